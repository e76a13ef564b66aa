using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR203 and IVR204 (error): a group of steps that callers can enter but never leave for a step that ends the call.
/// Each trap is reported once, where it is: a dead end when callers are still asked for input in it (they can only hang
/// up), a loop with no exit when nothing in it waits for the caller. Steps that merely lead into a trap are not reported again.
/// </summary>
internal sealed class TrapRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var graph = context.Graph;
        if (graph.Start < 0) yield break;
        for (var c = 0; c < graph.Components.Count; c++)
        {
            var members = graph.Components[c];
            var first = members[0];
            if (!graph.Reachable[first] || graph.CanEnd[first] || graph.HasExit(c)) continue;
            var names = Describe(graph, members);
            var input = members.FirstOrDefault(s => IsInput(graph.Steps[s]), -1);
            if (input >= 0 || !graph.IsCyclic(c))
            {
                var at = input >= 0 ? input : first;
                yield return context.Report(DiagnosticCodes.DeadEnd, Severity.Error, graph.PointerOf(at),
                    $"Dead end: from step '{graph.Names[at]}' no path leads to a step that ends the call " +
                    $"(hangup, transfer, queue or return); callers stay within {names} until they hang up.",
                    "give one of these steps an outcome that leads to a hangup, transfer, queue or return step.");
            }
            else
            {
                yield return context.Report(DiagnosticCodes.LoopWithoutExit, Severity.Error, graph.PointerOf(first),
                    $"Loop with no exit: steps {names} lead only to each other and never ask the caller anything, " +
                    "so the call loops forever.",
                    "make one of these steps go to a menu, queue, transfer or hangup step, or add a branch that leaves the loop.");
            }
        }
    }

    /// <summary>Steps that wait for the caller, so a caller stuck with them is stuck in a dead end rather than a busy loop.</summary>
    internal static bool IsInput(Step step) => step is MenuStep or DigitsStep or CallbackStep;

    internal static string Describe(FlowGraph graph, IReadOnlyList<int> members)
    {
        const int shown = 5;
        var names = string.Join(", ", members.Take(shown).Select(s => $"'{graph.Names[s]}'"));
        return members.Count > shown ? $"{names} and {members.Count - shown} more" : names;
    }
}

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR204 (warning): a cycle of play/goto/set/branch steps that asks the caller nothing and whose branches test only
/// variables the loop never changes: once a caller goes round it once, they go round it forever.
/// </summary>
internal sealed class BusyLoopRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var graph = context.Graph;
        if (graph.Start < 0) yield break;
        for (var c = 0; c < graph.Components.Count; c++)
        {
            var members = graph.Components[c];
            // Loops that can never end are errors, reported by TrapRule.
            if (!graph.IsCyclic(c) || !graph.Reachable[members[0]] || !graph.CanEnd[members[0]]) continue;
            if (!members.All(s => graph.Steps[s] is PlayStep or GotoStep or SetStep or BranchStep)) continue;
            var written = members.Select(s => graph.Steps[s]).OfType<SetStep>()
                .SelectMany(s => s.Values?.Keys ?? []).ToHashSet(StringComparer.Ordinal);
            var exits = members.Where(s => graph.Successors(s).Any(t => graph.ComponentOf[t] != c))
                .Select(s => graph.Steps[s]).OfType<BranchStep>();
            if (exits.Any(b => CouldChange(b, written))) continue;
            yield return context.Report(DiagnosticCodes.LoopWithoutExit, Severity.Warning, graph.PointerOf(members[0]),
                $"Caller may loop forever: steps {TrapRule.Describe(graph, members)} form a loop without input, and nothing " +
                "in it changes what its branches test, so a caller who goes round once goes round forever.",
                "set a variable the branch tests inside the loop, or ask the caller (menu or digits) inside it.");
        }
    }

    // A branch decides differently on a later pass only if it tests the clock or a variable the loop writes.
    private static bool CouldChange(BranchStep branch, IReadOnlySet<string> written) =>
        (branch.Conditions ?? []).Where(c => c is not null).SelectMany(c => Conditions.Flatten(c.When)).Any(c => c switch
        {
            CalendarCondition => true,
            VarCondition v => v.Var is not null && written.Contains(v.Var),
            _ => false,
        });
}

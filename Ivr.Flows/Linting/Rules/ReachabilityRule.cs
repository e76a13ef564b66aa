using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR202: a step that no path from <c>start</c> reaches is never played.</summary>
internal sealed class ReachabilityRule : ILintRule
{
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var graph = context.Graph;
        if (graph.Start < 0) yield break; // reported as IVR207; everything would look unreachable.
        for (var i = 0; i < graph.Steps.Count; i++)
        {
            if (graph.Reachable[i]) continue;
            yield return context.Report(DiagnosticCodes.UnreachableStep, Severity.Warning, graph.PointerOf(i),
                $"Step '{graph.Names[i]}' is unreachable: no path from start step '{context.Flow.Start}' leads to it.",
                "link to it from another step, or delete it.");
        }
    }
}

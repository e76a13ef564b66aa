using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR202: a step that no path from <c>start</c> reaches is never played. A step that is the likely intended target of a
/// misspelt link is not reported: fixing the IVR201 typo makes it reachable.
/// </summary>
internal sealed class ReachabilityRule : ILintRule
{
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var graph = context.Graph;
        if (graph.Start < 0) yield break; // reported as IVR207; everything would look unreachable.
        var names = graph.Names.ToHashSet(StringComparer.Ordinal);
        var meant = graph.Steps.SelectMany(LintContext.SafeLinks)
            .Where(l => l.Target is null || !names.Contains(l.Target))
            .Select(l => Suggestions.Closest(l.Target ?? string.Empty, graph.Names))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < graph.Steps.Count; i++)
        {
            if (graph.Reachable[i] || meant.Contains(graph.Names[i])) continue;
            yield return context.Report(DiagnosticCodes.UnreachableStep, Severity.Warning, graph.PointerOf(i),
                $"Step '{graph.Names[i]}' is unreachable: no path from start step '{context.Flow.Start}' leads to it.",
                "link to it from another step, or delete it.");
        }
    }
}

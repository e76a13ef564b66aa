using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR202: a step that no path from <c>start</c> reaches is never played. A misspelt link (IVR201) counts as a link to the
/// step it was probably meant for, so fixing the typo is reported once rather than as a trail of unreachable steps.
/// </summary>
internal sealed class ReachabilityRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var graph = context.Graph;
        if (graph.Start < 0) yield break; // reported as IVR207; everything would look unreachable.
        var reachable = ReachableAsIntended(graph);
        for (var i = 0; i < graph.Steps.Count; i++)
        {
            if (reachable[i]) continue;
            yield return context.Report(DiagnosticCodes.UnreachableStep, Severity.Warning, graph.PointerOf(i),
                $"Step '{graph.Names[i]}' is unreachable: no path from start step '{context.Flow.Start}' leads to it.",
                "link to it from another step, or delete it.");
        }
    }

    private static bool[] ReachableAsIntended(FlowGraph graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Names.Count; i++) index[graph.Names[i]] = i;
        var seen = new bool[graph.Steps.Count];
        var queue = new Queue<int>();
        seen[graph.Start] = true;
        queue.Enqueue(graph.Start);
        while (queue.Count > 0)
        {
            foreach (var link in LintContext.SafeLinks(graph.Steps[queue.Dequeue()]))
            {
                var target = link.Target ?? string.Empty;
                if (!index.TryGetValue(target, out var t)
                    && (Suggestions.Closest(target, graph.Names) is not { } meant || !index.TryGetValue(meant, out t))) continue;
                if (seen[t]) continue;
                seen[t] = true;
                queue.Enqueue(t);
            }
        }
        return seen;
    }
}

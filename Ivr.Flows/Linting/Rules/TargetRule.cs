using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR201: every link (next, onExhausted, choices, …) must name a step of the flow.</summary>
internal sealed class TargetRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var names = context.Steps.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, step) in context.Steps)
        {
            foreach (var link in LintContext.SafeLinks(step))
            {
                var target = link.Target ?? string.Empty;
                if (names.Contains(target)) continue;
                yield return context.Report(DiagnosticCodes.UnknownTarget, Severity.Error, link.Pointer,
                    $"Step '{name}' goes to '{target}' ({link.Label}), which is not a step of this flow.",
                    Suggestions.DidYouMean(target, names, "name one of the steps under 'steps', or add the step."));
            }
        }
    }
}

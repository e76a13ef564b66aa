using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR207: <c>start</c> must name a step.</summary>
internal sealed class StartRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var start = context.Flow.Start ?? string.Empty;
        if (context.Graph.Start >= 0) yield break;
        var names = context.Steps.Select(s => s.Key);
        yield return context.Report(DiagnosticCodes.UnknownStart, Severity.Error, "/start",
            $"'start' names step '{start}', which does not exist.",
            Suggestions.DidYouMean(start, names, "name one of the steps under 'steps'."));
    }
}

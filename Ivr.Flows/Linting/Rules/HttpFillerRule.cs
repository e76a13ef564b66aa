using System.Globalization;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR314 (warning): an <c>http</c> step with no <c>filler</c>: while the service answers (up to the step's timeout) the caller
/// hears silence, and a caller who hears nothing may hang up.
/// </summary>
internal sealed class HttpFillerRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            if (step is not HttpStep { Filler: null } http) continue;
            yield return context.Report(DiagnosticCodes.HttpWithoutFiller, Severity.Warning, LintContext.PointerOf(name, step),
                $"Step '{name}' calls service '{http.Service}' with no filler: the caller hears silence for up to " +
                $"{http.Timeout.ToString("0.###", CultureInfo.InvariantCulture)} s while it answers.",
                "add a short filler prompt, e.g. \"filler\": { \"text\": \"One moment please.\" }.");
        }
    }
}

using System.Globalization;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR315 (warning): a queue step whose <c>preferLastAgent.waitSeconds</c> is not shorter than its <c>maxWait</c>: the caller
/// would leave the queue (<c>onFailure</c>) while still held for their last agent, never offered to anyone else.
/// </summary>
internal sealed class PreferLastAgentRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            if (step is not QueueStep { PreferLastAgent: { } prefer, MaxWait: { } maxWait } || prefer.WaitSeconds < maxWait) continue;
            yield return context.Report(DiagnosticCodes.PreferLastAgentOutlastsWait, Severity.Warning,
                LintContext.PointerOf(name, step) + "/preferLastAgent/waitSeconds",
                $"Queue '{name}' holds a returning caller for their last agent for {Seconds(prefer.WaitSeconds)} s, but gives up after " +
                $"maxWait {Seconds(maxWait)} s: such a caller is never offered to another agent.",
                "make waitSeconds shorter than maxWait (a few tens of seconds is usual).");
        }
    }

    private static string Seconds(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
}

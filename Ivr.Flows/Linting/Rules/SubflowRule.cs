using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR208: a subflow step must name a flow of the catalog; IVR209: <c>return</c> only makes sense in a subflow.</summary>
internal sealed class SubflowRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var exists = context.Options.FlowExists;
        foreach (var (name, step) in context.Steps)
        {
            var at = LintContext.PointerOf(name, step);
            if (step is SubflowStep subflow && exists is not null && !exists(subflow.Flow ?? string.Empty))
            {
                yield return context.Report(DiagnosticCodes.UnknownSubflow, Severity.Error, at + "/flow",
                    $"Step '{name}' runs flow '{subflow.Flow}', which is not in the catalog.",
                    "check the flow's id (its \"id\", not its file name).");
            }
            if (step is ReturnStep && !context.Options.IsSubflow)
            {
                yield return context.Report(DiagnosticCodes.ReturnOutsideSubflow, Severity.Error, at,
                    $"Step '{name}' returns, but this flow is not used as a subflow: there is nothing to return to.",
                    "end the call with a hangup step, or lint this flow as a subflow.");
            }
        }
    }
}

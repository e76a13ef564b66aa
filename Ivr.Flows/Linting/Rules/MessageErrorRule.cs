using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR313 (warning): a <c>message</c> step with a <c>skill</c> and no <c>onError</c>. A skill's message is kept only once its
/// metadata is stored; when that fails (the database is down) such a step cannot go to a flow's own apology, so the engine
/// says its <c>message_not_kept</c> prompt and ends the call.
/// </summary>
internal sealed class MessageErrorRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            if (step is not MessageStep { Skill: not null, OnError: null }) continue;
            yield return context.Report(DiagnosticCodes.MessageWithoutOnError, Severity.Warning, LintContext.PointerOf(name, step),
                $"Step '{name}' records a message for skill '{((MessageStep)step).Skill}' but has no onError: when the message cannot be " +
                "stored the engine says 'Sorry, we could not keep your message' and hangs up.",
                "add onError naming a step that tells the caller in the flow's own words (and offers another way, e.g. the queue).");
        }
    }
}

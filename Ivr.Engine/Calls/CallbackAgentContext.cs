using Ivr.Engine.Integrations.ScreenPop;
using Ivr.Engine.Routing.Live;

namespace Ivr.Engine.Calls;

/// <summary>
/// The <see cref="AgentContext"/> of a callback attempt, from what the booking keeps: the skill, the number called back,
/// the caller's number, when the caller first queued and when they booked, the attempt. A booking keeps no flow variables
/// and no path, so a callback's context has none.
/// </summary>
internal static class CallbackAgentContext
{
    /// <summary>The context of <paramref name="job"/> for its reserved agent, as of <paramref name="now"/>.</summary>
    public static AgentContext For(DialCallback job, string? callId, DateTimeOffset now)
    {
        var callback = job.Callback;
        return new AgentContext(
            callId ?? FormattableString.Invariant($"callback-{callback.Id}-{callback.Attempts}"),
            AgentContext.CallbackKind,
            callback.Skill,
            job.AgentId,
            callback.Number,
            null,
            callback.EnteredQueueAt,
            now,
            (long)Math.Max(0, (now - callback.EnteredQueueAt).TotalSeconds),
            string.Empty,
            [],
            [],
            null)
        {
            CallbackId = callback.Id,
            BookedAt = callback.BookedAt,
            Attempt = callback.Attempts,
        };
    }
}

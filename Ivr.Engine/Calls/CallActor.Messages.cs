using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;
using Ivr.Engine.Speech;

namespace Ivr.Engine.Calls;

/// <summary>Tells a call actor to hang up now (a drain that ran out of time).</summary>
/// <param name="Reason">Why, for the log.</param>
public sealed record EndCall(string Reason);

/// <summary>A call actor's last word to its parent: how the call ended and whether the actor failed.</summary>
/// <param name="CallId">The SIP Call-ID.</param>
/// <param name="Outcome">The flow outcome code, or what ended the call before the flow did (<c>cancelled</c>, <c>failed</c>, <c>no-ack</c>).</param>
/// <param name="Failed">True when a fault ended the call.</param>
public sealed record CallEnded(string CallId, string Outcome, bool Failed);

// Events re-posted from SIP and media threads (by the legs' listeners), and the actor's own timers and piped tasks.
internal sealed record CallCancelled
{
    public static CallCancelled Instance { get; } = new();
}

internal sealed record CallerHungUp
{
    public static CallerHungUp Instance { get; } = new();
}

internal sealed record DtmfDetected(char Digit);

internal sealed record LegPlayed(int Play);

internal sealed record RingElapsed
{
    public static RingElapsed Instance { get; } = new();
}

internal sealed record CallAnswered(bool Acknowledged);

internal sealed record AnswerFailed(Exception Cause);

internal sealed record FlowTimerFired(int Token);

/// <summary>The call's <c>http</c> request numbered <paramref name="Number"/> finished, or its backstop fired first.</summary>
internal sealed record HttpAnswered(int Number);

internal sealed record QueueWaitExpired
{
    public static QueueWaitExpired Instance { get; } = new();
}

internal sealed record RecordingLimitReached(int Recording);

internal sealed record ReferCompleted(bool Accepted, Exception? Failure);

internal sealed record HangupCompleted
{
    public static HangupCompleted Instance { get; } = new();
}

// Re-posted from the media thread by the call's SpeechListener, tagged with the listening turn they belong to.
// AudioAt: where the caller's audio stream was when speech was detected (RTP time; null when the media cannot tell).
internal sealed record SpeechStarted(int Turn, TimeSpan? AudioAt);

internal sealed record SpeechRecognized(int Turn, RecognitionResult Result);

internal sealed record PromptsRendered(int Token, IReadOnlyList<AudioClip?> Clips);

internal sealed record AgentRang(AgentConnection Connection, string CallId, RingOutResult Result);

internal sealed record AgentHungUp
{
    public static AgentHungUp Instance { get; } = new();
}

internal sealed record AnnounceDue
{
    public static AnnounceDue Instance { get; } = new();
}

internal sealed record QueueOverflowDue(string Skill);

internal sealed record OfferKeysTimedOut
{
    public static OfferKeysTimedOut Instance { get; } = new();
}

/// <summary>The caller's previous contacts were looked up for the agent's context (null: unknown).</summary>
internal sealed record AgentContactsFound(Ivr.Engine.Integrations.ScreenPop.PreviousContacts? Contacts);

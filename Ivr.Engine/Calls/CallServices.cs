using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>What every call actor shares: prompt audio, the clock for calendars, logging, metrics and where recordings go.</summary>
/// <param name="Prompts">Prompt audio.</param>
/// <param name="Time">The clock flows read for business hours.</param>
/// <param name="Logging">Loggers; each call logs with its Call-ID in scope.</param>
/// <param name="Metrics">Call counters.</param>
/// <param name="RecordingsFolder">Where <c>message</c> steps write WAV files.</param>
public sealed record CallServices(
    IPromptClipProvider Prompts,
    TimeProvider Time,
    ILoggerFactory Logging,
    CallMetrics Metrics,
    string RecordingsFolder)
{
    /// <summary>How long a queue step holds the caller while no router is configured (when the step has no <c>maxWait</c>).</summary>
    public TimeSpan QueueWaitWithoutRouter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Speech recognition for menus (<see cref="CallSpeech.None"/>: DTMF only).</summary>
    public CallSpeech Speech { get; init; } = CallSpeech.None;

    /// <summary>How long to wait for the BYE transaction before the actor stops anyway (RFC 3261 Timer F, 64·T1).</summary>
    public TimeSpan HangupTimeout { get; init; } = TimeSpan.FromSeconds(32);
}

using Akka.Actor;
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
    /// <summary>What the engine says itself (queue announcements, offers, callback refusals), from <c>sounds/engine-prompts.json</c>.</summary>
    public required EnginePrompts Words { get; init; }

    /// <summary>Where calls report for operations: live calls and timelines, flow and actor metrics.</summary>
    public CallOps Ops { get => field ??= CallOps.Detached(Time); init; }

    /// <summary>How long a queue step holds the caller while no router is configured (when the step has no <c>maxWait</c>).</summary>
    public TimeSpan QueueWaitWithoutRouter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a call rings (180 Ringing) before it is answered; zero answers at once. At most a minute: beyond that
    /// RFC 3261 §13.3.1.1 would have the 180 repeated every minute.
    /// </summary>
    public TimeSpan RingFor { get; init; }

    /// <summary>The skill router (<see cref="Routing.Live.SkillRouter"/>); null: a queue step holds and then fails.</summary>
    public IActorRef? Router { get; init; }

    /// <summary>Places agent legs; null: no delivery to agents.</summary>
    public OutboundDialer? Outbound { get; init; }

    /// <summary>Where messages recorded for a skill go (<c>data/messages</c>); null: with other recordings.</summary>
    public string? MessagesFolder { get; init; }

    /// <summary>How long the caller has to press a key after an offer before hold music resumes.</summary>
    public TimeSpan OfferKeyTimeout { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Speech recognition for menus (<see cref="CallSpeech.None"/>: DTMF only).</summary>
    public CallSpeech Speech { get; init; } = CallSpeech.None;

    /// <summary>Whether the node takes new calls: closed by the manager's drain, read by the SIP stack's OPTIONS answer.</summary>
    public CallIntake Intake { get; init; } = new();

    /// <summary>Carries out <c>http</c> steps; null: every <c>http</c> step takes its <c>onError</c> (<c>no-service</c>).</summary>
    public Integrations.Http.HttpStepClient? Http { get; init; }

    /// <summary>The caller's contact history for the <c>caller.contactsLast24h</c>… variables; null: every caller is a first-time caller.</summary>
    public ICallerContacts? Contacts { get; init; }

    /// <summary>How long the answer may wait for the caller's history; past it the call starts as a first-time caller's.</summary>
    public TimeSpan CallerLookupTimeout { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Posts the agent's context when an agent's phone starts ringing; null: no screen-pop.</summary>
    public Integrations.ScreenPop.IScreenPop? ScreenPop { get; init; }

    /// <summary>The caller's previous contacts for the agent's context; null: the context has none.</summary>
    public Integrations.ScreenPop.IPreviousContacts? PreviousContacts { get; init; }

    /// <summary>How long to wait for the BYE transaction before the actor stops anyway (RFC 3261 Timer F, 64·T1).</summary>
    public TimeSpan HangupTimeout { get; init; } = TimeSpan.FromSeconds(32);
}

using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// What a call's components share, handed out by its actor: the call's setup and services, the caller's leg and playback,
/// speech turns, the actor's timers and self (for replies and piped tasks), the flow run and the guard that fails the call
/// when the run throws. Used on the actor's thread only.
/// </summary>
internal sealed class CallContext(
    CallSetup setup,
    IInboundLeg leg,
    CallPlayback playback,
    Func<SpeechTurns> speech,
    Func<ITimerScheduler> timers,
    IActorRef self,
    Func<FlowRun?> run,
    Action<Action> guard,
    CallTimeline timeline,
    ILogger log)
{
    public CallSetup Setup { get; } = setup;

    public CallServices Services => Setup.Services;

    public string CallId => Setup.Call.CallId;

    public IInboundLeg Leg { get; } = leg;

    public CallPlayback Playback { get; } = playback;

    /// <summary>The call's speech turns (a recognizer session opens only when a turn listens).</summary>
    public SpeechTurns Speech => speech();

    /// <summary>The actor's timers (set by Akka after the actor is constructed, so read when used).</summary>
    public ITimerScheduler Timers => timers();

    public IActorRef Self { get; } = self;

    public ILogger Log { get; } = log;

    /// <summary>The call's timeline on the call board.</summary>
    public CallTimeline Timeline { get; } = timeline;

    /// <summary>The flow run (null before the answer).</summary>
    public FlowRun? Run => run();

    /// <summary>The caller's language in the flow.</summary>
    public string Language => Run?.Language ?? "en-US";

    /// <summary>Runs <paramref name="action"/> on the flow run; a throw fails the call (BYE, metrics), never the actor.</summary>
    public void Guard(Action<FlowRun> action) => guard(() => action(Run!));
}

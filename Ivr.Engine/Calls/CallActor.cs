using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Calls.Queue;
using Ivr.Engine.Media;
using Ivr.Engine.Metrics;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// One live call end to end, as a thin shell: it owns the caller's <see cref="IInboundLeg"/> (a SIP INVITE or an Asterisk
/// channel over FastAGI, <see cref="AgiLeg"/>: the same flow runtime either way), the timers, the call's lifetime
/// and the dispatch of its messages to plain components on its thread — <see cref="CallFlowHost"/> (the <see cref="FlowRun"/>
/// on the flow version it started with, whose effects it executes), <see cref="CallPlayback"/> (what the caller hears),
/// <see cref="SpeechTurns"/> (speech input), <see cref="QueueDialogue"/> (the wait in a skill's line over <see cref="QueueWait"/>,
/// the offer, the agent via <see cref="AgentConnection"/>, callback bookings) and <see cref="CallRecorder"/> (messages). Leg
/// events arrive as messages; nothing here is touched from another thread. A fault ends this call only: BYE when answered, 500 otherwise, media closed, <c>ivr.calls.failed</c>
/// incremented; the parent stops (never restarts) a failed call actor.
/// </summary>
/// <remarks>
/// Without a router (<see cref="CallServices.Router"/>) a <c>queue</c> step holds the caller on the step's hold audio and
/// reports <see cref="QueueOutcome.Failed"/> after its <c>maxWait</c> (or <see cref="CallServices.QueueWaitWithoutRouter"/>),
/// a <c>callback</c> booking is refused; a <c>bridge</c> transfer fails either way; each is logged ("router not configured").
/// </remarks>
public sealed class CallActor : MeteredActor, IWithTimers
{
    /// <summary>The actor type in the actor metrics.</summary>
    public const string ActorType = "call";

    private const string RingTimer = "ring";
    private const string HangupTimer = "hangup-timeout";
    private const int MaxEarlyDigits = 32;

    private readonly CallSetup _setup;
    private readonly IInboundLeg _leg;
    private readonly CallServices _services;
    private readonly ILogger _log;
    private readonly CallLogScope _scope;
    private readonly CallTimeline _timeline;
    private readonly CancellationTokenSource _answering = new();
    private readonly CallPlayback _playback;
    private readonly List<char> _earlyDigits = [];
    private readonly CallContext _call;
    private readonly QueueDialogue _queue;
    private readonly CallRecorder _recorder;
    private readonly CallFlowHost _flow;
    private readonly SpeechTurns _speech;
    private bool _answered;
    private bool _finished;
    private bool _failed;
    private Exception? _crash;
    private string _outcome = "unfinished";

    /// <summary>Registers the handlers; the call is answered (or rung first) in <see cref="PreStart"/>.</summary>
    public CallActor(CallSetup setup)
        : base(setup.Services.Ops.Actors, ActorType)
    {
        _setup = setup;
        _services = setup.Services;
        _log = _services.Logging.CreateLogger<CallActor>();
        _leg = setup.OpenLeg(_log);
        _playback = new CallPlayback(_leg);
        _scope = new CallLogScope(setup.Call.CallId, setup.Flow.Id, setup.Flow.Version);
        _timeline = _services.Ops.Board.Open(setup.Call, setup.Flow.Id, setup.Flow.Version, _leg.Source);
        _call = new CallContext(setup, _leg, _playback, () => _speech!, () => Timers, Self, () => _flow!.Run, Guard, _timeline, _log);
        _queue = new QueueDialogue(_call);
        _speech = new SpeechTurns(_call, _queue.Answered);
        _recorder = new CallRecorder(_call);
        _flow = new CallFlowHost(_call, _queue, _recorder, OnFlowEnded);
        Answering();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of a call actor for <paramref name="setup"/>.</summary>
    public static Props Props(CallSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return Akka.Actor.Props.Create(() => new CallActor(setup));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        using var scope = BeginCallScope();
        base.PreStart();
        _leg.Attach(new CallLegListener(Self, agent: false, _answering));
        // A CANCEL right behind the INVITE can land before the listener was attached: its event is gone, its state is not.
        if (_leg.IsCancelled)
        {
            _answering.Cancel();
            Self.Tell(CallCancelled.Instance);
        }
        _log.LogInformation(
            "Call {CallId} from {Caller} to {Dialled} on flow {Flow}@{Version} ({Source})",
            _setup.Call.CallId, _setup.Call.CallerNumber, _setup.Call.Dialled, _setup.Flow.Id, _setup.Flow.Version, _leg.Source);
        // RFC 3261 §13.3.1.1: a UAS that does not answer at once says so with 180 (the session adds the To tag and Contact).
        // An Asterisk channel rings (or not) in the dial plan: it is answered at once.
        if (_services.RingFor <= TimeSpan.Zero || _leg.Source != CallSources.Sip)
        {
            Answer();
            return;
        }
        _leg.Ring();
        _log.LogDebug("Call {CallId} rings for {RingFor} before the answer", _setup.Call.CallId, _services.RingFor);
        Timers.StartSingleTimer(RingTimer, RingElapsed.Instance, _services.RingFor);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        using var scope = BeginCallScope();
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception ex)
        {
            // Escapes to the parent, whose strategy stops this actor; PostStop then ends the call as failed.
            _crash = ex;
            throw;
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        using var scope = BeginCallScope();
        _leg.Detach();
        _speech.Dispose();
        // Not disposed: the answering task may still observe its token after the actor is gone.
        _answering.Cancel();
        _flow.CallEnded();
        _queue.EndAgent();
        if (!_finished)
        {
            // Stopped without ending the call: a crash (or the system shutting down); end the dialog anyway.
            if (_crash is not null)
            {
                _failed = true;
                _outcome = "failed";
                _services.Metrics.CallFailed();
                _log.LogError(_crash, "Call {CallId} failed in its actor; ending it", _setup.Call.CallId);
                LegOutcome("failed");
            }
            _recorder.Stop();
            if (_answered) _ = _leg.HangupAsync(CancellationToken.None);
            else if (!_leg.IsEnded) _leg.Reject(500);
            _leg.CloseMedia();
        }

        _services.Ops.Board.Close(_timeline, _outcome);
        base.PostStop();
        _log.LogInformation("Call {CallId} ended: {Outcome}", _setup.Call.CallId, _outcome);
        Context.Parent.Tell(new CallEnded(_setup.Call.CallId, _outcome, _failed));
    }

    private void Answer()
    {
        if (_finished || _leg.IsEnded || _flow.CallerPending()) return;
        _leg.AnswerAsync(_setup.SdpAnswer, _answering.Token)
            .PipeTo(Self, success: acked => new CallAnswered(acked), failure: ex => new AnswerFailed(ex));
    }

    private void Answering()
    {
        Receive<RingElapsed>(_ => Answer());
        Receive<CallerKnown>(_ => { if (!Timers.IsTimerActive(RingTimer)) Answer(); });
        Receive<CallAnswered>(OnAnswered);
        Receive<AnswerFailed>(m =>
        {
            if (!_leg.IsCancelled) Fail(m.Cause, "answering");
        });
        Receive<CallCancelled>(_ => OnCancelled());
        Receive<CallerHungUp>(_ => OnCancelled());
        Receive<EndCall>(m =>
        {
            _outcome = "ended:" + m.Reason;
            _leg.Reject(480);
            Finish();
        });
        // A key pressed as soon as the caller's phone shows the call answered can arrive before the ACK: kept (type-ahead)
        // and given to the flow once it starts, not dropped.
        Receive<DtmfDetected>(m =>
        {
            if (_earlyDigits.Count < MaxEarlyDigits) _earlyDigits.Add(m.Digit);
        });
        Receive<LegPlayed>(_ => { });
    }

    private void Active()
    {
        Receive<DtmfDetected>(m => OnDigit(m.Digit));
        Receive<LegPlayed>(OnPlayed);
        Receive<PromptsRendered>(m => _playback.Rendered(m.Token, [.. m.Clips.OfType<AudioClip>()]));
        Receive<FlowTimerFired>(_flow.TimerFired);
        Receive<HttpAnswered>(_flow.HttpCompleted);
        Receive<SpeechStarted>(m => _speech.Started(m));
        Receive<SpeechRecognized>(m => _speech.Completed(m));
        // The replies, pushes and timers of the queue's and the recorder's: each component handles its own.
        Receive<object>(m => _queue.Handle(m) || _recorder.Handle(m));
        Receive<ReferCompleted>(_flow.ReferCompleted);
        Receive<AgentHungUp>(_ =>
        {
            if (_queue.AgentHungUp()) BeginHangup();
        });
        Receive<CallerHungUp>(_ =>
        {
            _queue.CallerLeft();
            _playback.Stop();
            Guard(() => _flow.Run!.Hangup());
            Finish();
        });
        Receive<EndCall>(m =>
        {
            _log.LogInformation("Hanging up call {CallId}: {Reason}", _setup.Call.CallId, m.Reason);
            _outcome = "ended:" + m.Reason;
            LegOutcome(_outcome);
            BeginHangup();
        });
        Receive<CallCancelled>(_ => { });
    }

    private void Ending()
    {
        Receive<HangupCompleted>(_ => Finish());
        Receive<AgentRang>(m => m.Connection.End(m.Result));
        Receive<CallerHungUp>(_ => Finish());
        ReceiveAny(_ => { });
    }

    private void OnAnswered(CallAnswered m)
    {
        if (_leg.IsCancelled) return;
        _answered = true;
        if (!m.Acknowledged)
        {
            // RFC 3261 §13.3.1.4: no ACK before Timer H; the stack has sent BYE itself.
            _log.LogWarning("Call {CallId}: no ACK for the 200 OK; the call is over", _setup.Call.CallId);
            _outcome = "no-ack";
            Finish();
            return;
        }

        Become(Active);
        _services.Metrics.CallAnswered();
        _timeline.Answered();
        Guard(_flow.Start);
        foreach (var digit in _earlyDigits) OnDigit(digit);
        _earlyDigits.Clear();
    }

    private void OnCancelled()
    {
        _outcome = "cancelled";
        _log.LogInformation("Call {CallId} cancelled before the answer", _setup.Call.CallId);
        Finish();
    }

    private void OnDigit(char digit)
    {
        _log.LogDebug("DTMF {Digit}", digit);
        _timeline.Digit(digit, _flow.Run?.CurrentFlow, _flow.Run?.CurrentStep);
        if (_recorder.Digit(digit) || _queue.Digit(digit) || _queue.IsBridged) return;
        Guard(() => _flow.Run!.Digit(digit));
    }

    private void OnPlayed(LegPlayed m)
    {
        switch (_playback.Finished(m.Play))
        {
            case PlaybackKind.Flow:
                Guard(() => _flow.Run!.PromptFinished());
                break;
            case PlaybackKind.Beep:
                _recorder.Start();
                break;
            case PlaybackKind.Announce:
                _queue.AnnouncementFinished();
                break;
            case PlaybackKind.Goodbye:
                BeginHangup();
                break;
        }
    }

    private void OnFlowEnded(FlowOutcome outcome)
    {
        if (!_failed) _outcome = outcome.Code;
        _leg.FlowEnded(outcome, _flow.Run?.GetVariables() ?? new Dictionary<string, string>());
        // Connected to an agent: the call lives on, bridged, until either side hangs up.
        if (_queue.IsBridged && !_leg.IsEnded) return;
        _playback.Stop();
        _speech.End();
        _recorder.Stop();
        Timers.CancelAll();
        if (_leg.IsEnded || !_answered) Finish();
        else if (outcome.Code == FlowOutcome.MessageNotKept) _recorder.SayNotKept();
        else BeginHangup();
    }

    // What the leg leaves behind when the call ends other than by the flow (an Asterisk channel gets IVR_OUTCOME).
    private void LegOutcome(string code) =>
        _leg.FlowEnded(new FlowOutcome(code, _flow.Run?.CurrentStep), _flow.Run?.GetVariables() ?? new Dictionary<string, string>());

    private void BeginHangup()
    {
        if (_finished || Timers.IsTimerActive(HangupTimer)) return;
        Become(Ending);
        Timers.StartSingleTimer(HangupTimer, HangupCompleted.Instance, _services.HangupTimeout);
        _queue.EndAgent();
        _playback.Stop();
        _recorder.Stop();
        _leg.HangupAsync(CancellationToken.None).PipeTo(Self, success: () => HangupCompleted.Instance);
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Fail(ex, "executing the flow");
        }
    }

    private void Fail(Exception ex, string during)
    {
        if (_failed) return;
        _failed = true;
        _outcome = "failed";
        _services.Metrics.CallFailed();
        _log.LogError(ex, "Call {CallId} failed while {During}; ending it", _setup.Call.CallId, during);
        LegOutcome("failed");
        if (_answered && !_leg.IsEnded)
        {
            BeginHangup();
            return;
        }
        if (!_answered && !_leg.IsEnded) _leg.Reject(500);
        Finish();
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        Timers.CancelAll();
        _queue.EndAgent();
        _recorder.Stop();
        _leg.CloseMedia();
        Context.Stop(Self);
    }

    // Every line a call logs carries its Call-ID and its flow (CallLogScope).
    private IDisposable? BeginCallScope() => _log.BeginScope(_scope);
}

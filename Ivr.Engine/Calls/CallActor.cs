using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// One live call end to end, as a thin shell: it owns the caller's <see cref="InboundLeg"/>, the <see cref="FlowRun"/> (on
/// the flow version it started with), the timers and the call's lifetime, and maps the run's effects to leg operations
/// through plain components — <see cref="CallPlayback"/> (what the caller hears), <see cref="SpeechTurns"/> (speech
/// input), <see cref="Queue.QueueWait"/> (the wait in a skill's line), <see cref="AgentConnection"/> (ringing and bridging
/// an agent) and <see cref="CallRecorder"/> (messages). Leg events arrive as messages; nothing here is touched from another
/// thread. A fault ends this call only: BYE when answered, 500 otherwise, media closed, <c>ivr.calls.failed</c>
/// incremented; the parent stops (never restarts) a failed call actor.
/// </summary>
/// <remarks>
/// Without a router (<see cref="CallServices.Router"/>) a <c>queue</c> step holds the caller on the step's hold audio and
/// reports <see cref="QueueOutcome.Failed"/> after its <c>maxWait</c> (or <see cref="CallServices.QueueWaitWithoutRouter"/>),
/// a <c>callback</c> booking is refused; a <c>bridge</c> transfer fails either way; each is logged ("router not configured").
/// </remarks>
public sealed partial class CallActor : ReceiveActor, IWithTimers, IFlowHost
{
    /// <summary>The actor type in the actor metrics.</summary>
    public const string ActorType = "call";

    private const string FlowTimer = "flow-timer";
    private const string RingTimer = "ring";
    private const string RecordTimer = "record-limit";
    private const string HangupTimer = "hangup-timeout";
    private const int MaxEarlyDigits = 32;

    private readonly CallSetup _setup;
    private readonly InboundLeg _leg;
    private readonly CallServices _services;
    private readonly ILogger _log;
    private readonly CallLogScope _scope;
    private readonly CallTimeline _timeline;
    private readonly CancellationTokenSource _answering = new();
    private readonly CallPlayback _playback;
    private readonly List<char> _earlyDigits = [];
    private SpeechTurns? _speech;
    private CallRecorder? _recorder;
    private FlowRun? _run;
    private bool _answered;
    private bool _finished;
    private bool _failed;
    private Exception? _crash;
    private string _outcome = "unfinished";

    /// <summary>Registers the handlers; the call is answered (or rung first) in <see cref="PreStart"/>.</summary>
    public CallActor(CallSetup setup)
    {
        _setup = setup;
        _services = setup.Services;
        _leg = new InboundLeg(setup.Session, setup.Media);
        _playback = new CallPlayback(_leg);
        _log = _services.Logging.CreateLogger<CallActor>();
        _scope = new CallLogScope(setup.Call.CallId, setup.Flow.Id, setup.Flow.Version);
        _timeline = _services.Ops.Board.Open(setup.Call, setup.Flow.Id, setup.Flow.Version);
        Answering();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private string Language => _run?.Language ?? "en-US";

    /// <summary>The props of a call actor for <paramref name="setup"/>.</summary>
    public static Props Props(CallSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return Akka.Actor.Props.Create(() => new CallActor(setup));
    }

    /// <summary>Executes one effect of the flow run (called synchronously from inside the run's event methods).</summary>
    void IFlowHost.Execute(FlowEffect effect)
    {
        _timeline.Effect(effect, _run?.CurrentFlow, _run?.CurrentStep);
        switch (effect)
        {
            case PlayEffect play:
                // Listening first: speech from the prompt's first packet on can barge in.
                if (play.Speech is { } promptListen) Speech.Listen(promptListen, bargeIn: true, _run?.CurrentStep);
                else StopSpeech();
                PlayPrompts(play.Prompts);
                break;
            case StopPlaybackEffect:
                if (_playback.Kind == PlaybackKind.Flow) _playback.Stop();
                break;
            case ListenEffect listen when listen.Phrases.Count > 0:
                Speech.Listen(listen, bargeIn: false, _run?.CurrentStep);
                break;
            case ListenEffect or StopListeningEffect:
                StopSpeech();
                break;
            case StartTimerEffect timer:
                Timers.StartSingleTimer(FlowTimer, new FlowTimerFired(timer.Token), timer.After);
                break;
            case CancelTimerEffect:
                Timers.Cancel(FlowTimer);
                break;
            case EnqueueEffect enqueue:
                Enqueue(enqueue);
                break;
            case TransferEffect transfer:
                Transfer(transfer);
                break;
            case RecordEffect record:
                Record(record);
                break;
            case BookCallbackEffect callback:
                BookCallback(callback);
                break;
            case HangupEffect hangup:
                _log.LogDebug("Flow hangs up: {Reason}", hangup.Reason);
                break;
            case EndedEffect ended:
                OnFlowEnded(ended.Outcome);
                break;
            default:
                _log.LogWarning("Effect {Effect} is not supported by the call actor; ignored", effect.GetType().Name);
                break;
        }
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        using var scope = BeginCallScope();
        _services.Ops.Actors.ActorStarted(ActorType);
        _leg.Attach(new CallLegListener(Self, agent: false, _answering));
        // A CANCEL right behind the INVITE can land before the listener was attached: its event is gone, its state is not.
        if (_leg.IsCancelled)
        {
            _answering.Cancel();
            Self.Tell(CallCancelled.Instance);
        }
        _log.LogInformation(
            "Call {CallId} from {Caller} to {Dialled} on flow {Flow}@{Version}",
            _setup.Call.CallId, _setup.Call.CallerNumber, _setup.Call.Dialled, _setup.Flow.Id, _setup.Flow.Version);
        // RFC 3261 §13.3.1.1: a UAS that does not answer at once says so with 180 (the session adds the To tag and Contact).
        if (_services.RingFor <= TimeSpan.Zero)
        {
            Answer();
            return;
        }
        _leg.Ring();
        Timers.StartSingleTimer(RingTimer, RingElapsed.Instance, _services.RingFor);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        using var scope = BeginCallScope();
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
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
        finally
        {
            _services.Ops.Actors.MessageHandled(ActorType, began);
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        using var scope = BeginCallScope();
        _leg.Detach();
        _speech?.Dispose();
        // Not disposed: the answering task may still observe its token after the actor is gone.
        _answering.Cancel();
        EndAgent();
        if (!_finished)
        {
            // Stopped without ending the call: a crash (or the system shutting down); end the dialog anyway.
            if (_crash is not null)
            {
                _failed = true;
                _outcome = "failed";
                _services.Metrics.CallFailed();
                _log.LogError(_crash, "Call {CallId} failed in its actor; ending it", _setup.Call.CallId);
            }
            _recorder?.Stop();
            if (_answered) HangUpLeg(pipe: false);
            else if (!_leg.IsEnded) TryReject(500);
            _leg.CloseMedia();
        }

        _services.Ops.Board.Close(_timeline, _outcome);
        _services.Ops.Actors.ActorStopped(ActorType);
        _log.LogInformation("Call {CallId} ended: {Outcome}", _setup.Call.CallId, _outcome);
        Context.Parent.Tell(new CallEnded(_setup.Call.CallId, _outcome, _failed));
    }

    private SpeechTurns Speech => _speech ??= new SpeechTurns(_services.Speech, _leg.Media, CreateSpeechListener, _services.Time, _log);

    private SpeechListener CreateSpeechListener()
    {
        var self = Self;
        return new SpeechListener(
            _leg.Media,
            (turn, audioAt) => self.Tell(new SpeechStarted(turn, audioAt)),
            (turn, result) => self.Tell(new SpeechRecognized(turn, result)));
    }

    private void Answer()
    {
        if (_finished || _leg.IsEnded) return;
        _leg.AnswerAsync(_setup.SdpAnswer, _answering.Token)
            .PipeTo(Self, success: acked => new CallAnswered(acked), failure: ex => new AnswerFailed(ex));
    }

    private void Answering()
    {
        Receive<RingElapsed>(_ => Answer());
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
            TryReject(480);
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
        Receive<FlowTimerFired>(OnFlowTimer);
        Receive<SpeechStarted>(OnSpeechStarted);
        Receive<SpeechRecognized>(OnSpeechRecognized);
        Receive<RecordingLimitReached>(m =>
        {
            if (_recorder?.Number == m.Recording) FinishRecording();
        });
        Receive<ReferCompleted>(m => Guard(() => _run!.TransferResult(m.Accepted)));
        QueueHandlers();
        Receive<CallerHungUp>(_ =>
        {
            CallerLeftQueue();
            _playback.Stop();
            Guard(() => _run!.Hangup());
            Finish();
        });
        Receive<EndCall>(m =>
        {
            _log.LogInformation("Hanging up call {CallId}: {Reason}", _setup.Call.CallId, m.Reason);
            _outcome = "ended:" + m.Reason;
            BeginHangup();
        });
        Receive<CallCancelled>(_ => { });
    }

    private void Ending()
    {
        Receive<HangupCompleted>(_ => Finish());
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
        Guard(() =>
        {
            _run = _setup.Flow.CreateRun(this, _setup.Call, _services.Time);
            _run.Observer = _timeline;
            _run.Start();
        });
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
        _timeline.Digit(digit, _run?.CurrentFlow, _run?.CurrentStep);
        if (_recorder is { IsRecording: true } recorder)
        {
            if (recorder.IsFinishKey(digit)) FinishRecording();
            return;
        }
        if (OnQueueDigit(digit) || _agent is { IsBridged: true }) return;
        Guard(() => _run!.Digit(digit));
    }

    private void OnPlayed(LegPlayed m)
    {
        switch (_playback.Finished(m.Play))
        {
            case PlaybackKind.Flow:
                Guard(() => _run!.PromptFinished());
                break;
            case PlaybackKind.Beep:
                StartRecording();
                break;
            case PlaybackKind.Announce:
                AnnouncementFinished();
                break;
        }
    }

    /// <summary>Plays a flow prompt; text not synthesized yet is rendered off the actor (<see cref="PromptsRendered"/> starts it).</summary>
    private void PlayPrompts(IReadOnlyList<ResolvedPrompt> prompts)
    {
        var provider = _services.Prompts;
        if (prompts.All(p => p.Text is null || provider.Find(p) is not null))
        {
            _playback.Play(PlaybackKind.Flow, Clips(prompts));
            return;
        }
        var token = _playback.BeginRendering();
        var log = _log;
        RenderAllAsync(provider, prompts).PipeTo(
            Self,
            success: clips => new PromptsRendered(token, clips),
            failure: ex =>
            {
                log.LogWarning(ex, "Prompt synthesis failed; the prompt is skipped");
                return new PromptsRendered(token, []);
            });
    }

    private List<AudioClip> Clips(IEnumerable<ResolvedPrompt> prompts) =>
        [.. prompts.Select(_services.Prompts.Find).OfType<AudioClip>()];

    private static async Task<AudioClip?[]> RenderAllAsync(IPromptClipProvider provider, IReadOnlyList<ResolvedPrompt> prompts)
    {
        var clips = new AudioClip?[prompts.Count];
        for (var i = 0; i < clips.Length; i++) clips[i] = await provider.RenderAsync(prompts[i]).ConfigureAwait(false);
        return clips;
    }

    private void OnFlowEnded(FlowOutcome outcome)
    {
        if (!_failed) _outcome = outcome.Code;
        // Connected to an agent: the call lives on, bridged, until either side hangs up.
        if (_agent is { IsBridged: true } && !_leg.IsEnded) return;
        _playback.Stop();
        StopSpeech();
        _recorder?.Stop();
        Timers.Cancel(FlowTimer);
        Timers.Cancel(QueueTimer);
        Timers.Cancel(RecordTimer);
        if (_leg.IsEnded || !_answered) Finish();
        else BeginHangup();
    }

    private void BeginHangup()
    {
        if (_finished || Timers.IsTimerActive(HangupTimer)) return;
        Become(Ending);
        Timers.StartSingleTimer(HangupTimer, HangupCompleted.Instance, _services.HangupTimeout);
        EndAgent();
        _playback.Stop();
        _recorder?.Stop();
        HangUpLeg(pipe: true);
    }

    private void HangUpLeg(bool pipe)
    {
        var log = _log;
        var callId = _setup.Call.CallId;
        var bye = _leg.HangupAsync(CancellationToken.None);
        if (pipe)
        {
            bye.PipeTo(Self, success: () => HangupCompleted.Instance, failure: ex =>
            {
                log.LogWarning(ex, "BYE for call {CallId} failed", callId);
                return HangupCompleted.Instance;
            });
            return;
        }
        _ = bye.ContinueWith(t => log.LogWarning(t.Exception, "BYE for call {CallId} failed", callId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
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
        if (_answered && !_leg.IsEnded)
        {
            BeginHangup();
            return;
        }
        if (!_answered && !_leg.IsEnded) TryReject(500);
        Finish();
    }

    private void TryReject(int statusCode)
    {
        try
        {
            _leg.Reject(statusCode);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            _log.LogWarning(ex, "Could not reject call {CallId} with {Status}", _setup.Call.CallId, statusCode);
        }
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        Timers.CancelAll();
        EndAgent();
        _recorder?.Stop();
        _leg.CloseMedia();
        Context.Stop(Self);
    }

    // Every line a call logs carries its Call-ID and its flow (CallLogScope).
    private IDisposable? BeginCallScope() => _log.BeginScope(_scope);
}

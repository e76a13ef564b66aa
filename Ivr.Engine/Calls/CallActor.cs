using Akka.Actor;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// One live call end to end: answers the INVITE, owns its <see cref="IInviteSession"/>, <see cref="IMediaSession"/> and
/// <see cref="FlowRun"/> (on the flow version it started with), executes the run's effects and feeds SIP and media events
/// back. Events from the stack and media threads are re-posted to the actor. A fault ends this call only: BYE when answered,
/// 500 otherwise, media closed, <c>ivr.calls.failed</c> incremented; the parent stops (never restarts) a failed call actor.
/// </summary>
/// <remarks>
/// With a router (<see cref="CallServices.Router"/>) a <c>queue</c> step, callback bookings and skill messages go through
/// it (see <c>CallActor.Queue.cs</c>). Without one, a <c>queue</c> step holds the caller on the step's hold audio and
/// reports <see cref="QueueOutcome.Failed"/> after the step's <c>maxWait</c> (or <see cref="CallServices.QueueWaitWithoutRouter"/>),
/// a <c>callback</c> booking is refused; a <c>bridge</c> transfer fails either way; each is logged ("router not configured").
/// </remarks>
public sealed partial class CallActor : ReceiveActor, IWithTimers, IFlowHost
{
    private const string FlowTimer = "flow-timer";
    private const string QueueTimer = "queue-wait";
    private const string RecordTimer = "record-limit";
    private const string HangupTimer = "hangup-timeout";
    private const string BeepSound = "common/beep.wav";
    private const string DefaultHoldSound = "common/hold.wav";

    private readonly CallSetup _setup;
    private readonly IInviteSession _session;
    private readonly IMediaSession _media;
    private readonly CallServices _services;
    private readonly ILogger _log;
    private readonly CallLogScope _scope;
    private readonly CancellationTokenSource _answerCancel = new();
    private readonly Queue<AudioClip> _clips = new();
    private Action? _onCancelled;
    private Action? _onRemoteHangup;
    private Action? _onPlaybackFinished;
    private Action<char>? _onDtmf;
    private FlowRun? _run;
    private Playback _playback;
    private IReadOnlyList<AudioClip> _hold = [];
    private int _generation;
    private CallRecording? _recording;
    private string _finishKey = string.Empty;
    private TimeSpan _recordLimit;
    private int _recordings;
    private bool _answered;
    private const int MaxEarlyDigits = 32;
    private readonly List<DtmfDetected> _earlyDigits = [];
    private bool _cancelled;
    private bool _callerGone;
    private bool _byeStarted;
    private bool _mediaClosed;
    private bool _failed;
    private bool _finished;
    private Exception? _crash;
    private string _outcome = "unfinished";

    /// <summary>Registers the handlers; the call is answered in <see cref="PreStart"/>.</summary>
    public CallActor(CallSetup setup)
    {
        _setup = setup;
        _session = setup.Session;
        _media = setup.Media;
        _services = setup.Services;
        _log = _services.Logging.CreateLogger<CallActor>();
        _scope = new CallLogScope(setup.Call.CallId, setup.Flow.Id, setup.Flow.Version);
        _timeline = _services.Ops.Board.Open(setup.Call, setup.Flow.Id, setup.Flow.Version);
        Answering();
    }

    private enum Playback
    {
        None,
        Flow,
        Hold,
        Beep,
        Announce,
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

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
                SpeechForPrompt(play);
                PlayPrompts(play);
                break;
            case StopPlaybackEffect:
                if (_playback == Playback.Flow) StopClips();
                break;
            case ListenEffect listen:
                SpeechForListen(listen);
                break;
            case StopListeningEffect:
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
            case BookCallbackEffect callback when _services.Router is not null:
                BookCallback(callback);
                break;
            case BookCallbackEffect callback:
                _log.LogWarning("Router not configured: callback to {Number} for skill {Skill} not booked", callback.Number, callback.Skill);
                _run!.CallbackResult(false, null);
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
        var self = Self;
        _onCancelled = () =>
        {
            _answerCancel.Cancel();
            self.Tell(CallCancelled.Instance);
        };
        _onRemoteHangup = () => self.Tell(CallerHungUp.Instance);
        _onDtmf = digit => self.Tell(new DtmfDetected(digit));
        _onPlaybackFinished = () => self.Tell(new ClipFinished(Volatile.Read(ref _generation)));
        _services.Ops.Actors.ActorStarted(ActorType);
        _session.Cancelled += _onCancelled;
        _session.RemoteHangup += _onRemoteHangup;
        // A CANCEL right behind the INVITE can land before this subscription: its event is gone, its state is not.
        if (_session.IsCancelled) _onCancelled();
        _media.DtmfReceived += _onDtmf;
        _media.PlaybackFinished += _onPlaybackFinished;
        _log.LogInformation(
            "Call {CallId} from {Caller} to {Dialled} on flow {Flow}@{Version}",
            _setup.Call.CallId, _setup.Call.CallerNumber, _setup.Call.Dialled, _setup.Flow.Id, _setup.Flow.Version);
        RingOrAnswer();
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
        if (_onCancelled is not null) _session.Cancelled -= _onCancelled;
        if (_onRemoteHangup is not null) _session.RemoteHangup -= _onRemoteHangup;
        if (_onDtmf is not null) _media.DtmfReceived -= _onDtmf;
        if (_onPlaybackFinished is not null) _media.PlaybackFinished -= _onPlaybackFinished;
        _speech?.Dispose();
        // Not disposed: the answering task may still observe its token after the actor is gone.
        _answerCancel.Cancel();

        EndAgentLeg();
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

            StopRecording();
            if (_answered && !_callerGone && !_byeStarted)
            {
                _byeStarted = true;
                var log = _log;
                var callId = _setup.Call.CallId;
                _ = _session.HangupAsync(CancellationToken.None).ContinueWith(
                    t => log.LogWarning(t.Exception, "BYE for call {CallId} failed", callId),
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted,
                    TaskScheduler.Default);
            }
            else if (!_answered && !_cancelled)
            {
                TryReject(500);
            }
            CloseMedia();
        }

        _services.Ops.Board.Close(_timeline, _outcome);
        _services.Ops.Actors.ActorStopped(ActorType);
        _log.LogInformation("Call {CallId} ended: {Outcome}", _setup.Call.CallId, _outcome);
        Context.Parent.Tell(new CallEnded(_setup.Call.CallId, _outcome, _failed));
    }

    private async Task<bool> AnswerAsync(CancellationToken cancellationToken)
    {
        await _media.StartAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return await _session.AcceptAsync(_setup.SdpAnswer, cancellationToken).ConfigureAwait(false);
    }

    private void Answering()
    {
        Receive<RingElapsed>(_ => Answer());
        Receive<CallAnswered>(OnAnswered);
        Receive<AnswerFailed>(m =>
        {
            if (_cancelled) return;
            Fail(m.Cause, "answering");
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
            if (_earlyDigits.Count < MaxEarlyDigits) _earlyDigits.Add(m);
        });
        Receive<ClipFinished>(_ => { });
    }

    private void Active()
    {
        Receive<DtmfDetected>(OnDtmf);
        Receive<ClipFinished>(OnClipFinished);
        Receive<FlowTimerFired>(OnFlowTimer);
        QueueHandlers();
        ReceiveSpeech();
        Receive<QueueWaitExpired>(_ =>
        {
            if (_queue is not null)
            {
                LeaveQueueWith(QueueOutcome.Failed);
                return;
            }
            if (_playback == Playback.Hold) StopClips();
            _log.LogInformation("Router not configured: the queue step ends as failed");
            _timeline.QueueEvent("wait expired: failed (router not configured)", _run?.CurrentFlow, _run?.CurrentStep);
            Guard(() => _run!.QueueResult(QueueOutcome.Failed));
        });
        Receive<RecordingLimitReached>(m =>
        {
            if (m.Recording == _recordings) FinishRecording();
        });
        Receive<ReferCompleted>(m => Guard(() => _run!.TransferResult(m.Accepted)));
        Receive<PromptsRendered>(OnPromptsRendered);
        Receive<CallerHungUp>(_ =>
        {
            _callerGone = true;
            CallerLeftQueue();
            StopClips();
            CloseMedia();
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
        Receive<CallerHungUp>(_ =>
        {
            _callerGone = true;
            Finish();
        });
        ReceiveAny(_ => { });
    }

    private void OnAnswered(CallAnswered m)
    {
        if (_cancelled) return;
        _answered = true;
        if (!m.Acknowledged)
        {
            // RFC 3261 §13.3.1.4: no ACK before Timer H; the stack has sent BYE itself.
            _log.LogWarning("Call {CallId}: no ACK for the 200 OK; the call is over", _setup.Call.CallId);
            _callerGone = true;
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
        foreach (var digit in _earlyDigits)
        {
            OnDtmf(digit);
        }

        _earlyDigits.Clear();
    }

    private void OnCancelled()
    {
        _cancelled = true;
        _outcome = "cancelled";
        _log.LogInformation("Call {CallId} cancelled before the answer", _setup.Call.CallId);
        Finish();
    }

    private void OnDtmf(DtmfDetected m)
    {
        _log.LogDebug("DTMF {Digit}", m.Digit);
        _timeline.Digit(m.Digit, _run?.CurrentFlow, _run?.CurrentStep);
        if (_recording is not null)
        {
            if (_finishKey.Contains(m.Digit, StringComparison.Ordinal)) FinishRecording();
            return;
        }
        if (_queue is not null)
        {
            OnQueueDigit(m.Digit);
            return;
        }
        if (_bridge is not null) return;
        Guard(() => _run!.Digit(m.Digit));
    }

    private void OnClipFinished(ClipFinished m)
    {
        // A finish raised for a clip since stopped or replaced carries an older generation.
        if (m.Generation != Volatile.Read(ref _generation)) return;
        switch (_playback)
        {
            case Playback.Flow when _clips.Count > 0:
                PlayNext();
                break;
            case Playback.Flow:
                _playback = Playback.None;
                Interlocked.Increment(ref _generation);
                Guard(() => _run!.PromptFinished());
                break;
            case Playback.Hold:
                if (_clips.Count == 0)
                {
                    foreach (var clip in _hold) _clips.Enqueue(clip);
                }
                PlayNext();
                break;
            case Playback.Beep:
                _playback = Playback.None;
                Interlocked.Increment(ref _generation);
                StartRecording();
                break;
            case Playback.Announce when _clips.Count > 0:
                PlayNext();
                break;
            case Playback.Announce:
                AnnouncementFinished();
                break;
        }
    }

    private void PlayPrompts(PlayEffect play)
    {
        StopClips();
        _playback = Playback.Flow;
        // Text not synthesized yet is rendered off the actor; PromptsRendered then starts the playback.
        if (EnqueuePromptClips(play.Prompts)) PlayNext();
    }

    private void PlayNext()
    {
        var generation = Interlocked.Increment(ref _generation);
        if (_clips.TryDequeue(out var clip))
        {
            _media.Play(clip);
        }
        else
        {
            // Nothing playable (text without TTS, missing file): the prompt is over at once, after this message.
            Self.Tell(new ClipFinished(generation));
        }
    }

    private void StopClips()
    {
        if (_playback == Playback.None) return;
        _clips.Clear();
        _playback = Playback.None;
        Interlocked.Increment(ref _generation);
        if (!_mediaClosed) _media.StopPlayback();
    }

    private void Enqueue(EnqueueEffect enqueue)
    {
        if (_services.Router is not null)
        {
            EnqueueWithRouter(enqueue);
            return;
        }
        var wait = enqueue.MaxWait ?? _services.QueueWaitWithoutRouter;
        _log.LogWarning(
            "Router not configured: caller waits on hold for skill {Skill} and the queue step fails after {Wait}",
            enqueue.Skill, wait);
        StartHold(enqueue.Hold);
        Timers.StartSingleTimer(QueueTimer, QueueWaitExpired.Instance, wait);
    }

    private void StartHold(IReadOnlyList<ResolvedPrompt> holdPrompts)
    {
        var hold = new List<AudioClip>();
        foreach (var prompt in holdPrompts)
        {
            if (_services.Prompts.Find(prompt) is { } clip) hold.Add(clip);
        }
        if (holdPrompts.Count == 0 && _services.Prompts.FindSound(DefaultHoldSound) is { } fallback) hold.Add(fallback);
        _hold = hold;
        StopClips();
        if (hold.Count > 0)
        {
            foreach (var clip in hold) _clips.Enqueue(clip);
            _playback = Playback.Hold;
            PlayNext();
        }
    }

    private void Transfer(TransferEffect transfer)
    {
        if (transfer.Method != TransferMethod.Refer)
        {
            _log.LogWarning("Bridged transfer to {Target} needs the router and media bridge; not available, the transfer fails", transfer.Uri);
            _run!.TransferResult(false);
            return;
        }

        var log = _log;
        var target = transfer.Uri;
        _session.ReferAsync(target, CancellationToken.None).PipeTo(
            Self,
            success: accepted => new ReferCompleted(accepted),
            failure: ex =>
            {
                log.LogWarning(ex, "REFER to {Target} failed", target);
                return new ReferCompleted(false);
            });
    }

    private void Record(RecordEffect record)
    {
        _finishKey = record.FinishKey;
        _recordLimit = record.MaxLength;
        _messageSkill = record.Skill;
        if (!_setup.Negotiated.Receives)
        {
            _log.LogWarning("The caller sends no audio (SDP direction); the message is not recorded");
            _run!.RecordingFinished(string.Empty, 0);
            return;
        }

        StopClips();
        if (record.Beep && _services.Prompts.FindSound(BeepSound) is { } beep)
        {
            _clips.Enqueue(beep);
            _playback = Playback.Beep;
            PlayNext();
        }
        else
        {
            StartRecording();
        }
    }

    private void StartRecording()
    {
        var number = ++_recordings;
        var path = MessagePath() ?? Path.Combine(_services.RecordingsFolder, $"{ActorNames.FromCallId(_setup.Call.CallId)}-{number}.wav");
        try
        {
            _recording = CallRecording.Start(_media, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogError(ex, "Cannot record to {Path}", path);
            Guard(() => _run!.RecordingFinished(string.Empty, 0));
            return;
        }
        _log.LogInformation("Recording to {Path}", path);
        Timers.StartSingleTimer(RecordTimer, new RecordingLimitReached(number), _recordLimit);
    }

    private void FinishRecording()
    {
        if (_recording is not { } recording) return;
        _recording = null;
        Timers.Cancel(RecordTimer);
        var seconds = recording.Stop();
        if (SaveMessage(recording.Path, seconds)) return;
        Guard(() => _run!.RecordingFinished(recording.Path, seconds));
    }

    private void StopRecording()
    {
        _recording?.Stop();
        _recording = null;
    }

    private void OnFlowEnded(FlowOutcome outcome)
    {
        if (!_failed) _outcome = outcome.Code;
        // Connected to an agent: the call lives on, bridged, until either side hangs up.
        if (_bridge is not null && !_callerGone) return;
        StopClips();
        StopSpeech();
        StopRecording();
        Timers.Cancel(FlowTimer);
        Timers.Cancel(QueueTimer);
        Timers.Cancel(RecordTimer);
        if (_callerGone || !_answered) Finish();
        else BeginHangup();
    }

    private void BeginHangup()
    {
        if (_byeStarted || _finished) return;
        Become(Ending);
        Timers.StartSingleTimer(HangupTimer, HangupCompleted.Instance, _services.HangupTimeout);
        var log = _log;
        var callId = _setup.Call.CallId;
        // Flagged just before the BYE: a throw before this point leaves PostStop to send it.
        _byeStarted = true;
        EndAgentLeg();
        _session.HangupAsync(CancellationToken.None).PipeTo(
            Self,
            success: () => HangupCompleted.Instance,
            failure: ex =>
            {
                log.LogWarning(ex, "BYE for call {CallId} failed", callId);
                return HangupCompleted.Instance;
            });
        StopClips();
        StopRecording();
        CloseMedia();
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
        if (_answered && !_callerGone)
        {
            BeginHangup();
            return;
        }
        if (!_answered && !_cancelled) TryReject(500);
        Finish();
    }

    private void TryReject(int statusCode)
    {
        try
        {
            _session.Reject(statusCode);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            _log.LogWarning(ex, "Could not reject call {CallId} with {Status}", _setup.Call.CallId, statusCode);
        }
    }

    private void CloseMedia()
    {
        if (_mediaClosed) return;
        _mediaClosed = true;
        try
        {
            _media.Close();
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Closing the media of call {CallId} failed", _setup.Call.CallId);
        }
        _ = _media.DisposeAsync().AsTask();
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        Timers.CancelAll();
        EndAgentLeg();
        StopRecording();
        CloseMedia();
        Context.Stop(Self);
    }
}

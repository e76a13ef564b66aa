using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Calls.Queue;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Routing.Messages;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// The call's side of the skill router, speech and recordings: a <c>queue</c> step waits in the router's line on hold audio,
/// hears what <see cref="QueueWait"/> says to announce or offer as the router pushes its place, chooses by key or speech,
/// overflows and gives up as the step says; on delivery an <see cref="AgentConnection"/> rings the agent and bridges.
/// </summary>
public sealed partial class CallActor
{
    private const string QueueTimer = "queue-wait";
    private const string OverflowTimer = "queue-overflow";
    private const string OfferKeyTimer = "offer-keys";
    private const string AnnounceTimer = "queue-announce";

    private QueueWait? _queue;
    private string? _lastQueueSkill;
    private DateTimeOffset? _enteredQueueAt;
    private AgentConnection? _agent;
    private Action? _afterAnnouncement;
    private (string Path, double Seconds)? _pendingMessage;

    private IActorRef Router => _services.Router!;

    private void QueueHandlers()
    {
        Receive<CallerQueued>(m =>
        {
            if (_queue is null) return;
            (_queue, var say) = _queue.Placed(m, _services.Time.GetUtcNow(), busy: _playback.Kind == PlaybackKind.Announce);
            if (say is not null) Say(say);
        });
        Receive<AnnounceDue>(_ =>
        {
            if (_queue is null) return;
            (_queue, var say) = _queue.AnnounceIfDue(_services.Time.GetUtcNow(), force: _playback.Kind != PlaybackKind.Announce);
            if (say is not null) Say(say);
            else if (_queue.AnnounceEvery is { } every) Timers.StartSingleTimer(AnnounceTimer, AnnounceDue.Instance, every);
        });
        Receive<QueueOverflowDue>(m =>
        {
            if (_queue is null) return;
            _log.LogInformation("Overflow: call moves to skill {Skill}", m.Skill);
            _queue = _queue.MovedTo(m.Skill);
            _lastQueueSkill = m.Skill;
            Router.Tell(new MoveCaller(_setup.Call.CallId, m.Skill));
        });
        Receive<OfferKeysTimedOut>(_ =>
        {
            if (_queue is not { Offering: true }) return;
            _queue = _queue.OfferClosed();
            StopOfferListening();
            ResumeHold();
        });
        Receive<QueueWaitExpired>(_ =>
        {
            if (_queue is not null)
            {
                LeaveQueueWith(QueueOutcome.Failed);
                return;
            }
            if (_playback.Kind == PlaybackKind.Hold) _playback.Stop();
            _log.LogInformation("Router not configured: the queue step ends as failed");
            _timeline.QueueEvent("wait expired: failed (router not configured)", _run?.CurrentFlow, _run?.CurrentStep);
            Guard(() => _run!.QueueResult(QueueOutcome.Failed));
        });
        Receive<DeliverCall>(OnDeliverCall);
        Receive<AgentRang>(OnAgentRang);
        Receive<AgentHungUp>(_ =>
        {
            if (_agent is not { IsBridged: true }) return;
            _log.LogInformation("Agent {Agent} hung up: ending the caller's leg", _agent.AgentId);
            BeginHangup();
        });
        Receive<CallbackBookingResult>(OnCallbackBookingResult);
        Receive<MessageSaved>(OnMessageSaved);
    }

    private void Enqueue(EnqueueEffect enqueue)
    {
        if (_services.Router is null)
        {
            var wait = enqueue.MaxWait ?? _services.QueueWaitWithoutRouter;
            _log.LogWarning("Router not configured: caller waits on hold for skill {Skill} and the queue step fails after {Wait}", enqueue.Skill, wait);
            StartHold(enqueue.Hold);
            Timers.StartSingleTimer(QueueTimer, QueueWaitExpired.Instance, wait);
            return;
        }
        var now = _services.Time.GetUtcNow();
        _queue = QueueWait.Enter(enqueue, now);
        _lastQueueSkill = enqueue.Skill;
        _enteredQueueAt = now;
        StartHold(enqueue.Hold);
        // The router answers with the place and pushes it again whenever it changes (no polling).
        Router.Tell(new EnqueueCaller(_setup.Call.CallId, enqueue.Skill, enqueue.Priority, QueueWait.RouterOffer(enqueue.Offer)));
        if (enqueue.MaxWait is { } maxWait) Timers.StartSingleTimer(QueueTimer, QueueWaitExpired.Instance, maxWait);
        if (enqueue.Overflow is { } overflow)
            Timers.StartSingleTimer(OverflowTimer, new QueueOverflowDue(overflow.Skill), TimeSpan.FromSeconds(overflow.After));
    }

    private void StartHold(IReadOnlyList<ResolvedPrompt> holdPrompts)
    {
        var hold = Clips(holdPrompts);
        if (holdPrompts.Count == 0 && _services.Prompts.FindSound("common/hold.wav") is { } fallback) hold.Add(fallback);
        _playback.Hold(hold);
    }

    private void Say(QueueAnnouncement say)
    {
        var q = _queue!;
        if (say.Offer is { } offer)
        {
            _log.LogInformation("Offering a callback/message ({Reason}) at position {Position}", say.OfferReason, say.Position);
            var spoken = _services.Speech.CanRecognize(Language) && OfferAnswers.Speaks(Language);
            PlayAnnouncement(q.Effect.OfferPrompt.Count > 0 ? q.Effect.OfferPrompt : _services.Words.Announcement(Language, say, spoken));
            if (_queue is { Offering: true } && spoken)
            {
                // The offer is open while it plays and for the key timeout after it: listen that long (a minute at most).
                var listen = new ListenEffect(true, OfferAnswers.Phrases(offer, Language), Language, OfferAnswers.MinConfidence);
                Speech.Listen(listen, bargeIn: true, _run?.CurrentStep, TimeSpan.FromMinutes(1), forOffer: true);
            }
            return;
        }
        PlayAnnouncement(_services.Words.Announcement(Language, say, spokenAnswers: false));
        if (q.AnnounceEvery is { } every) Timers.StartSingleTimer(AnnounceTimer, AnnounceDue.Instance, every);
    }

    /// <summary>Interrupts hold audio with <paramref name="prompts"/>; when nothing is playable (text without TTS) only logs it.</summary>
    private void PlayAnnouncement(IReadOnlyList<ResolvedPrompt> prompts)
    {
        var clips = Clips(prompts);
        _log.LogInformation("Announcement: {Text}", string.Join(" ", prompts.Select(p => p.Text ?? p.Sound)));
        if (clips.Count > 0)
        {
            _playback.Play(PlaybackKind.Announce, clips);
            return;
        }
        // Nothing to say aloud: what played is over as if the announcement had interrupted it (hold starts again).
        _playback.Stop();
        AnnouncementFinished();
    }

    private void AnnouncementFinished()
    {
        if (_afterAnnouncement is { } next)
        {
            _afterAnnouncement = null;
            next();
            return;
        }
        if (_queue is { Offering: true }) Timers.StartSingleTimer(OfferKeyTimer, OfferKeysTimedOut.Instance, _services.OfferKeyTimeout);
        else if (_queue is not null)
        {
            (_queue, var pending) = _queue.Resumed(_services.Time.GetUtcNow());
            if (pending is not null)
            {
                Say(pending);
                return;
            }
        }
        ResumeHold();
    }

    private void ResumeHold()
    {
        if (_queue is null || _agent is { IsBridged: true } || _playback.Kind is PlaybackKind.Hold or PlaybackKind.Announce) return;
        StartHold(_queue.Effect.Hold);
    }

    /// <summary>A key while queued: the offer's choice, if any (true: the queue took it, the flow does not see it).</summary>
    private bool OnQueueDigit(char digit)
    {
        if (_queue is null) return false;
        (_queue, var choice) = _queue.Key(digit);
        Choose(choice);
        return true;
    }

    private void Choose(QueueChoice choice)
    {
        switch (choice)
        {
            case QueueChoice.Callback:
                LeaveQueueWith(QueueOutcome.Callback);
                break;
            case QueueChoice.Message:
                LeaveQueueWith(QueueOutcome.Message);
                break;
            case QueueChoice.Stay:
                StopOfferListening();
                Timers.Cancel(OfferKeyTimer);
                if (_playback.Kind == PlaybackKind.Announce) _playback.Stop();
                ResumeHold();
                break;
        }
    }

    /// <summary>The caller leaves the line without an agent: the router is told why and the flow continues.</summary>
    private void LeaveQueueWith(QueueOutcome outcome)
    {
        var exit = outcome switch
        {
            QueueOutcome.Callback => QueueExit.Callback,
            QueueOutcome.Message => QueueExit.Message,
            _ => QueueExit.TimedOut,
        };
        _log.LogInformation("Leaving the {Skill} queue: {Outcome}", _lastQueueSkill, outcome);
        StopQueueWait();
        EndAgent();
        Router.Tell(new LeaveQueue(_setup.Call.CallId, exit));
        _playback.Stop();
        Guard(() => _run!.QueueResult(outcome));
    }

    private void StopQueueWait()
    {
        StopOfferListening();
        _queue = null;
        foreach (var timer in new[] { QueueTimer, OverflowTimer, OfferKeyTimer, AnnounceTimer }) Timers.Cancel(timer);
    }

    /// <summary>The caller hung up: if it waited, that is an abandonment (the router measures its wait).</summary>
    private void CallerLeftQueue()
    {
        if (_queue is null) return;
        StopQueueWait();
        Router.Tell(new LeaveQueue(_setup.Call.CallId, QueueExit.Abandoned));
    }

    private void OnDeliverCall(DeliverCall m)
    {
        if (_queue is null || _services.Outbound is not { } outbound)
        {
            Router.Tell(new AgentNotAnswered(m.CallId, m.AgentId, 0));
            return;
        }
        _log.LogInformation("Ringing agent {Agent} at {Contact}", m.AgentId, m.Contact);
        _agent?.End();
        var agent = _agent = new AgentConnection(outbound, m.AgentId, _log);
        var display = string.IsNullOrEmpty(_setup.Call.CallerNumber) ? null : _setup.Call.CallerNumber;
        agent.RingAsync(m.Contact, display, m.RingTimeout).PipeTo(Self, success: result => new AgentRang(agent, m.CallId, result));
    }

    private void OnAgentRang(AgentRang m)
    {
        if (!ReferenceEquals(m.Connection, _agent) || _queue is null || _leg.IsEnded || _finished)
        {
            // The caller left (or the step ended) while the agent rang: the agent's leg, if up, is hung up.
            m.Connection.End(m.Result);
            return;
        }
        if (m.Result.Leg is not { } agentLeg)
        {
            _log.LogInformation("Agent {Agent} did not answer: {Status} {Code} {Problem}", m.Connection.AgentId, m.Result.Status, m.Result.StatusCode, m.Result.Problem);
            _agent = null;
            Router.Tell(new AgentNotAnswered(m.CallId, m.Connection.AgentId, m.Result.StatusCode));
            return;
        }
        StopQueueWait();
        _playback.Stop();
        m.Connection.Bridge(_leg, agentLeg, new CallLegListener(Self, agent: true));
        Router.Tell(new AgentAnswered(m.CallId, m.Connection.AgentId));
        _log.LogInformation("Bridged to agent {Agent} (call {AgentCallId})", m.Connection.AgentId, agentLeg.CallId);
        _timeline.Connected(m.Connection.AgentId, _lastQueueSkill, _run?.CurrentFlow, _run?.CurrentStep);
        Guard(() => _run!.QueueResult(QueueOutcome.Connected));
    }

    /// <summary>Ends the agent's side (idempotent): a ring is cancelled; a bridge is undone, the agent hung up and the router told.</summary>
    private void EndAgent()
    {
        if (_agent is not { } agent) return;
        _agent = null;
        var bridged = agent.IsBridged;
        agent.End();
        if (bridged) _services.Router?.Tell(new AgentCallEnded(_setup.Call.CallId, agent.AgentId));
    }

    /// <summary>
    /// Booked: the row is durable, the flow goes on to its confirmation. Refused (toll-fraud dial plan, daily cap, store
    /// down): the caller first hears why, then the flow takes the refusal as a failed attempt and asks again.
    /// </summary>
    private void OnCallbackBookingResult(CallbackBookingResult m)
    {
        if (m.Booked)
        {
            _log.LogInformation("Callback {Id} is stored; the caller hears the confirmation", m.CallbackId);
            Guard(() => _run!.CallbackResult(true, m.Number));
            return;
        }
        _log.LogInformation("Callback to {Number} not booked ({Refusal}): {Message}", m.Number, m.Refusal, m.Message);
        _afterAnnouncement = () => Guard(() => _run!.CallbackResult(false, m.Number));
        PlayAnnouncement([_services.Words.CallbackRefused(Language, m.Refusal)]);
    }

    private void BookCallback(BookCallbackEffect callback)
    {
        var skill = callback.Skill ?? _lastQueueSkill;
        if (_services.Router is null || skill is null)
        {
            _log.LogWarning("Callback to {Number} for skill {Skill} not booked: {Why}", callback.Number, skill,
                _services.Router is null ? "router not configured" : "it names no skill and the call was never queued");
            _run!.CallbackResult(false, null);
            return;
        }
        var enteredAt = _enteredQueueAt ?? _services.Time.GetUtcNow();
        Router.Tell(new BookCallback(_setup.Call.CallId, skill, callback.Number, _setup.Call.CallerNumber, enteredAt, _run?.Language));
    }

    private void Transfer(TransferEffect transfer)
    {
        if (transfer.Method != Ivr.Flows.Model.Steps.TransferMethod.Refer)
        {
            _log.LogWarning("Bridged transfer to {Target} needs the router and media bridge; not available, the transfer fails", transfer.Uri);
            _run!.TransferResult(false);
            return;
        }
        var log = _log;
        var target = transfer.Uri;
        _leg.ReferAsync(target, CancellationToken.None).PipeTo(Self, success: accepted => new ReferCompleted(accepted), failure: ex =>
        {
            log.LogWarning(ex, "REFER to {Target} failed", target);
            return new ReferCompleted(false);
        });
    }

    private void Record(RecordEffect record)
    {
        var recorder = _recorder ??= new CallRecorder(_leg.Media, ActorNames.FromCallId(_setup.Call.CallId), _services.RecordingsFolder, _services.MessagesFolder, _services.Time);
        recorder.Prepare(record);
        if (!_setup.Negotiated.Receives)
        {
            _log.LogWarning("The caller sends no audio (SDP direction); the message is not recorded");
            _run!.RecordingFinished(string.Empty, 0);
            return;
        }
        if (record.Beep && _services.Prompts.FindSound("common/beep.wav") is { } beep) _playback.Play(PlaybackKind.Beep, [beep]);
        else
        {
            _playback.Stop();
            StartRecording();
        }
    }

    private void StartRecording()
    {
        var path = _recorder!.Next(asMessage: _services.Router is not null);
        try
        {
            _recorder.Start(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogError(ex, "Cannot record to {Path}", path);
            Guard(() => _run!.RecordingFinished(string.Empty, 0));
            return;
        }
        _log.LogInformation("Recording to {Path}", path);
        Timers.StartSingleTimer(RecordTimer, new RecordingLimitReached(_recorder.Number), _recorder.MaxLength);
    }

    private void FinishRecording()
    {
        if (_recorder?.Stop() is not { } done) return;
        Timers.Cancel(RecordTimer);
        if (_recorder.MessageId is { } id && _recorder.Skill is { } skill && _services.Router is not null)
        {
            // A skill's message: its metadata is stored through the router before the flow moves on.
            var caller = string.IsNullOrEmpty(_setup.Call.CallerNumber) ? null : _setup.Call.CallerNumber;
            _pendingMessage = done;
            Router.Tell(new SaveMessage(new MessageRecord(id, skill, caller, _recorder.StartedAt, TimeSpan.FromSeconds(done.Seconds),
                Path.Combine("messages", Path.GetFileName(done.Path)))));
            return;
        }
        Guard(() => _run!.RecordingFinished(done.Path, done.Seconds));
    }

    private void OnMessageSaved(MessageSaved m)
    {
        if (_pendingMessage is not { } pending) return;
        _pendingMessage = null;
        if (!m.Saved) _log.LogError("The message's metadata was not stored: {Error}", m.Error);
        else _log.LogInformation("Message {Path} ({Seconds:0.0} s) stored for {Skill}", pending.Path, pending.Seconds, _recorder?.Skill);
        Guard(() => _run!.RecordingFinished(pending.Path, pending.Seconds));
    }

    private void OnSpeechStarted(SpeechStarted m)
    {
        if (_speech?.Started(m) != true) return;
        if (_speech.BargeIn && (_playback.Kind == PlaybackKind.Flow || (_speech.ForOffer && _playback.Kind == PlaybackKind.Announce)))
        {
            // Barge-in: the prompt stops now, at start-of-speech; the run learns of it with the result.
            _log.LogInformation("Barge-in: the caller speaks during the prompt at step {Step}; prompt stopped", _run?.CurrentStep);
            _services.Ops.Speech?.BargedIn();
            _playback.Stop();
        }
    }

    private void OnSpeechRecognized(SpeechRecognized m)
    {
        if (_speech?.Recognized(m) is not { } turn) return;
        var result = m.Result;
        _services.Ops.Speech?.Recognized(result.Text is null && result.Kind == RecognitionKind.Match ? RecognitionKind.NoMatch : result.Kind, result.Confidence, result.SpeechDuration, turn.Delay);
        if (turn.ForOffer)
        {
            if (_queue is not { Effect.Offer: not null } q || result.Kind == RecognitionKind.NoInput) return;
            var text = result.Kind == RecognitionKind.Match ? result.Text : null;
            (_queue, var choice) = q.Answered(text, Language);
            _log.LogInformation("Offer answered by speech: {Heard} ({Confidence:F2}) → {Choice}", text ?? "(no match)", result.Confidence, choice);
            _timeline.QueueEvent($"offer answered by speech: {text ?? "no match"}", _run?.CurrentFlow, _run?.CurrentStep);
            if (choice == QueueChoice.None) ResumeHold();
            else Choose(choice);
            return;
        }
        var step = _run!.CurrentStep;
        Guard(() =>
        {
            if (result.Kind == RecognitionKind.Match && result.Text is { } text)
            {
                // A spoken digit the step has no phrase for is taken as if keyed.
                var isPhrase = turn.Grammar.Phrases.Any(p => string.Equals(p.Trim(), text, StringComparison.OrdinalIgnoreCase));
                if (!isPhrase && result.Digit is { } digit) _run.Digit(digit);
                else _run.Heard(text, result.Confidence);
                _log.LogInformation("Speech at {Step}: heard '{Text}' ({Confidence:F2}) from {AudioAt} of the caller's audio, now at {Next}",
                    step, text, result.Confidence, turn.AudioAt, _run.CurrentStep);
                return;
            }
            // Out of grammar or below the confidence floor: the step's no-match handling.
            _run.Heard(string.Empty, result.Confidence);
            _log.LogInformation("Speech at {Step}: no-match ('{Hypothesis}', {Confidence:F2}) from {AudioAt} of the caller's audio, now at {Next}",
                step, result.Hypothesis, result.Confidence, turn.AudioAt, _run.CurrentStep);
        });
        if (_speech.TakeHeldTimer() is { } held) Self.Tell(held);
    }

    private void OnFlowTimer(FlowTimerFired m)
    {
        if (_speech?.HoldTimer(m) == true) return;
        if (_run!.ActiveTimer == m.Token)
            _log.LogInformation("Timeout at {Step}: no input (at {AudioAt} of the caller's audio)", _run.CurrentStep, _speech?.AudioNow() ?? "-");
        Guard(() => _run.TimerExpired(m.Token));
    }

    private void StopOfferListening()
    {
        if (_speech is { ForOffer: true }) StopSpeech();
    }

    private void StopSpeech()
    {
        if (_speech?.Stop() is { } held) Self.Tell(held);
    }
}

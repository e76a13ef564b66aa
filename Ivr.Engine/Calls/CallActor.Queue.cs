using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Media;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Routing.Messages;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;
using FlowOfferPolicy = Ivr.Flows.Model.Steps.OfferPolicy;

namespace Ivr.Engine.Calls;

/// <summary>
/// The call's side of the skill router: a <c>queue</c> step waits in the router's line on hold audio, hears its position
/// and expected wait (as a range that never goes up unless the queue truly changed), is offered a callback or a message
/// when the policy says so, overflows and gives up as the step says, and on delivery rings the agent and bridges both legs.
/// </summary>
public sealed partial class CallActor
{
    private const string QueueCheckTimer = "queue-check";
    private const string QueueOverflowTimer = "queue-overflow";
    private const string OfferKeyTimer = "offer-keys";

    private QueueWait? _queue;
    private string? _lastQueueSkill;
    private DateTimeOffset? _enteredQueueAt;
    private CancellationTokenSource? _agentDial;
    private OutboundLeg? _agentLeg;
    private string? _agentId;
    private MediaBridge? _bridge;
    private Action? _onAgentHangup;
    private bool _agentLegEnded;
    private string? _messageSkill;
    private string? _messageId;
    private DateTimeOffset _messageStartedAt;
    private Action? _afterAnnouncement;

    private void QueueHandlers()
    {
        Receive<CallerQueued>(OnCallerQueued);
        Receive<NotQueued>(_ => { });
        Receive<QueueCheckDue>(_ =>
        {
            if (_queue is not { } q) return;
            TimeSpan? sinceOffer = q.LastOfferAt is { } at ? _services.Time.GetUtcNow() - at : null;
            _services.Router!.Tell(new CheckPlace(_setup.Call.CallId, sinceOffer));
        });
        Receive<QueueOverflowDue>(m =>
        {
            if (_queue is null) return;
            _log.LogInformation("Overflow: call moves to skill {Skill}", m.Skill);
            _queue.Announcer.Reset();
            _lastQueueSkill = m.Skill;
            _services.Router!.Tell(new MoveCaller(_setup.Call.CallId, m.Skill));
        });
        Receive<OfferKeysTimedOut>(_ =>
        {
            if (_queue is not { Offering: true } q) return;
            q.Offering = false;
            StopOfferListening();
            ResumeHold();
        });
        Receive<DeliverCall>(OnDeliverCall);
        Receive<AgentLegResult>(OnAgentLegResult);
        Receive<AgentHungUp>(_ =>
        {
            if (_bridge is null) return;
            _log.LogInformation("Agent {Agent} hung up: ending the caller's leg", _agentId);
            EndAgentLeg(agentHungUp: true);
            BeginHangup();
        });
        Receive<CallbackBookingResult>(OnCallbackBookingResult);
        Receive<MessageSaved>(OnMessageSaved);
    }

    private void EnqueueWithRouter(EnqueueEffect enqueue)
    {
        var now = _services.Time.GetUtcNow();
        _queue = new QueueWait(enqueue);
        _lastQueueSkill = enqueue.Skill;
        _enteredQueueAt = now;
        StartHold(enqueue.Hold);
        _services.Router!.Tell(new EnqueueCaller(_setup.Call.CallId, enqueue.Skill, enqueue.Priority, OfferOptions(enqueue.Offer)));
        if (enqueue.MaxWait is { } maxWait) Timers.StartSingleTimer(QueueTimer, QueueWaitExpired.Instance, maxWait);
        if (enqueue.Overflow is { } overflow)
            Timers.StartSingleTimer(QueueOverflowTimer, new QueueOverflowDue(overflow.Skill), TimeSpan.FromSeconds(overflow.After));
        Timers.StartPeriodicTimer(QueueCheckTimer, QueueCheckDue.Instance, _services.QueueCheckInterval);
    }

    /// <summary>The queue step's own offer triggers, or null to use the skill's from <c>agents.json</c>.</summary>
    private static OfferPolicyOptions? OfferOptions(FlowOfferPolicy? offer)
    {
        if (offer is null || (offer.WhenWaitOver, offer.WhenAbandonRateOver, offer.WhenQueueLongerThan, offer.WhenLikelyToAbandon) is (null, null, null, null))
            return null;
        return new OfferPolicyOptions
        {
            WaitTarget = offer.WhenWaitOver is { } w ? TimeSpan.FromSeconds(w) : null,
            AbandonRateThreshold = offer.WhenAbandonRateOver,
            AbandonRateReleaseBelow = offer.WhenAbandonRateOver * 0.5,
            QueueLengthLimit = offer.WhenQueueLongerThan,
            LikelyToAbandonThreshold = offer.WhenLikelyToAbandon,
            ReofferEvery = offer.ReofferEvery is { } r ? TimeSpan.FromSeconds(r) : null,
        };
    }

    private void OnCallerQueued(CallerQueued m)
    {
        if (_queue is not { } q || q.Offering || _playback == Playback.Announce) return;
        var offer = q.Effect.Offer;
        if (m.Offer.Offer && offer is not null && (offer.Callback || offer.Message))
        {
            _log.LogInformation("Offering a callback/message ({Reason}) at position {Position}", m.Offer.Reason, m.Position);
            q.Offering = true;
            q.LastOfferAt = _services.Time.GetUtcNow();
            PlayAnnouncement(q.Effect.OfferPrompt.Count > 0 ? q.Effect.OfferPrompt : [OfferText(offer)]);
            if (q.Offering) ListenForOfferAnswer(offer);
            return;
        }
        var every = q.Effect.Announce is { Every: > 0 } a ? TimeSpan.FromSeconds(a.Every) : (TimeSpan?)null;
        var now = _services.Time.GetUtcNow();
        if (q.Effect.Announce is not { } announce || (q.LastAnnouncedAt is { } last && (every is null || now - last < every))) return;
        q.LastAnnouncedAt = now;
        var parts = new List<string>(2);
        if (announce.Position) parts.Add(string.Create(CultureInfo.InvariantCulture, $"You are number {m.Position} in line."));
        if (announce.ExpectedWait && m.ExpectedWait is { } ewt)
            parts.Add($"Your expected wait is {q.Announcer.Announce(ewt, m.StaffedAgents).Text}.");
        if (parts.Count == 0) return;
        PlayAnnouncement([new ResolvedPrompt("queue-announcement", _run?.Language ?? "en-US", null, string.Join(' ', parts))]);
    }

    private ResolvedPrompt OfferText(FlowOfferPolicy offer)
    {
        var parts = new List<string>(3);
        var say = OfferWordsFor(_run?.Language ?? "en-US") is not null && Language(_run?.Language ?? "en-US") == "en";
        if (offer.Callback) parts.Add($"To be called back without losing your place, press {offer.CallbackKey}" + (say ? " or say callback." : "."));
        if (offer.Message) parts.Add($"To leave a message, press {offer.MessageKey}" + (say ? " or say message." : "."));
        parts.Add($"To keep waiting, press {offer.StayKey}" + (say ? " or say wait." : "."));
        return new ResolvedPrompt("queue-offer", _run?.Language ?? "en-US", null, string.Join(' ', parts));
    }

    /// <summary>Interrupts hold audio with <paramref name="prompts"/>; when nothing is playable (text without TTS) only logs it.</summary>
    private void PlayAnnouncement(IReadOnlyList<ResolvedPrompt> prompts)
    {
        var clips = new List<AudioClip>();
        foreach (var prompt in prompts)
        {
            if (_services.Prompts.Find(prompt) is { } clip) clips.Add(clip);
        }
        _log.LogInformation("Announcement: {Text}", string.Join(" ", prompts.Select(p => p.Text ?? p.Sound)));
        if (clips.Count == 0)
        {
            AnnouncementFinished();
            return;
        }
        StopClips();
        foreach (var clip in clips) _clips.Enqueue(clip);
        _playback = Playback.Announce;
        PlayNext();
    }

    private void AnnouncementFinished()
    {
        _playback = Playback.None;
        Interlocked.Increment(ref _generation);
        if (_afterAnnouncement is { } next)
        {
            _afterAnnouncement = null;
            next();
            return;
        }
        if (_queue is { Offering: true }) Timers.StartSingleTimer(OfferKeyTimer, OfferKeysTimedOut.Instance, _services.OfferKeyTimeout);
        ResumeHold();
    }

    private void ResumeHold()
    {
        if (_queue is null || _bridge is not null || _playback is Playback.Hold or Playback.Announce) return;
        StartHold(_queue.Effect.Hold);
    }

    private void OnQueueDigit(char digit)
    {
        if (_queue is not { } q || q.Effect.Offer is not { } offer || q.LastOfferAt is null) return;
        var key = digit.ToString();
        if (offer.Callback && key == offer.CallbackKey) LeaveQueueWith(QueueOutcome.Callback);
        else if (offer.Message && key == offer.MessageKey) LeaveQueueWith(QueueOutcome.Message);
        else if (key == offer.StayKey && q.Offering)
        {
            q.Offering = false;
            StopOfferListening();
            Timers.Cancel(OfferKeyTimer);
            if (_playback == Playback.Announce) StopClips();
            ResumeHold();
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
        _services.Router!.Tell(new LeaveQueue(_setup.Call.CallId, exit));
        StopClips();
        Guard(() => _run!.QueueResult(outcome));
    }

    private void StopQueueWait()
    {
        StopOfferListening();
        _queue = null;
        Timers.Cancel(QueueTimer);
        Timers.Cancel(QueueCheckTimer);
        Timers.Cancel(QueueOverflowTimer);
        Timers.Cancel(OfferKeyTimer);
        _agentDial?.Cancel();
    }

    /// <summary>The caller hung up: if it waited, that is an abandonment (the router measures its wait).</summary>
    private void CallerLeftQueue()
    {
        if (_queue is null) return;
        StopQueueWait();
        _services.Router!.Tell(new LeaveQueue(_setup.Call.CallId, QueueExit.Abandoned));
    }

    private void OnDeliverCall(DeliverCall m)
    {
        if (_queue is null || _services.Outbound is not { } outbound)
        {
            _services.Router!.Tell(new AgentNotAnswered(m.CallId, m.AgentId, 0));
            return;
        }
        _log.LogInformation("Ringing agent {Agent} at {Contact}", m.AgentId, m.Contact);
        _agentDial?.Dispose();
        _agentDial = new CancellationTokenSource();
        var log = _log;
        var display = string.IsNullOrEmpty(_setup.Call.CallerNumber) ? null : _setup.Call.CallerNumber;
        outbound.DialAsync(m.Contact, display, m.RingTimeout, _agentDial.Token).PipeTo(Self,
            success: leg => new AgentLegResult(m, leg),
            failure: ex =>
            {
                log.LogWarning(ex, "Calling agent {Agent} failed", m.AgentId);
                return new AgentLegResult(m, new OutboundLeg(Sip.Stack.OutboundCallStatus.Rejected, 0, null, null, ex.Message));
            });
    }

    private void OnAgentLegResult(AgentLegResult m)
    {
        var leg = m.Leg;
        if (_queue is null || _callerGone || _finished)
        {
            // The caller left (or the step ended) while the agent rang: the agent's leg, if up, is hung up.
            if (leg.IsUp) HangUpLeg(leg);
            return;
        }
        if (!leg.IsUp)
        {
            _log.LogInformation("Agent {Agent} did not answer: {Status} {Code} {Problem}", m.Deliver.AgentId, leg.Status, leg.StatusCode, leg.Problem);
            _services.Router!.Tell(new AgentNotAnswered(m.Deliver.CallId, m.Deliver.AgentId, leg.StatusCode));
            return;
        }
        if (_media is not RtpMediaSession caller || leg.Media is not RtpMediaSession agent)
        {
            _log.LogError("Cannot bridge: both legs need RTP media sessions");
            HangUpLeg(leg);
            _services.Router!.Tell(new AgentNotAnswered(m.Deliver.CallId, m.Deliver.AgentId, 488));
            return;
        }

        StopQueueWait();
        StopClips();
        _agentLeg = leg;
        _agentId = m.Deliver.AgentId;
        _bridge = new MediaBridge(caller, agent);
        var self = Self;
        _onAgentHangup = () => self.Tell(AgentHungUp.Instance);
        leg.Call!.RemoteHangup += _onAgentHangup;
        _services.Router!.Tell(new AgentAnswered(m.Deliver.CallId, m.Deliver.AgentId));
        _log.LogInformation("Bridged to agent {Agent} (call {AgentCallId})", _agentId, leg.Call.CallId);
        _timeline.Connected(_agentId, _lastQueueSkill, _run?.CurrentFlow, _run?.CurrentStep);
        Guard(() => _run!.QueueResult(QueueOutcome.Connected));
    }

    /// <summary>Ends the agent's leg (idempotent): unbridges, BYE unless the agent hung up, closes its media, tells the router.</summary>
    private void EndAgentLeg(bool agentHungUp = false)
    {
        _agentDial?.Cancel();
        if (_agentLeg is not { } leg || _agentLegEnded) return;
        _agentLegEnded = true;
        _bridge?.Dispose();
        if (_onAgentHangup is not null) leg.Call!.RemoteHangup -= _onAgentHangup;
        if (agentHungUp) leg.Media!.Close();
        else HangUpLeg(leg);
        _services.Router?.Tell(new AgentCallEnded(_setup.Call.CallId, _agentId!));
    }

    private void HangUpLeg(OutboundLeg leg)
    {
        var log = _log;
        leg.Media?.Close();
        _ = leg.Media?.DisposeAsync().AsTask();
        _ = leg.Call!.HangupAsync(CancellationToken.None).ContinueWith(
            t => log.LogWarning(t.Exception, "BYE to the agent failed"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Booked: the row is durable, the flow goes on to its confirmation. Refused (toll-fraud dial plan, daily cap, store
    /// down): the caller first hears why (<c>sounds/LANG/callback_refused_REASON.wav</c>, else the sentence as text), then
    /// the flow takes the refusal as a failed attempt and asks again, where the caller may give another number.
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
        PlayAnnouncement([RefusalPrompt(_run?.Language ?? "en-US", m.Refusal, m.Message)]);
    }

    /// <summary>The refusal prompt: a recorded sound per reason (<c>scripts/render-sounds.sh</c> renders them from <c>sounds/engine-prompts.json</c>).</summary>
    private static ResolvedPrompt RefusalPrompt(string language, DialPlanRefusal refusal, string message)
    {
        var reason = refusal switch
        {
            DialPlanRefusal.Malformed => "malformed",
            DialPlanRefusal.CountryNotAllowed => "country",
            DialPlanRefusal.PremiumRate => "premium",
            DialPlanRefusal.NotMatchingPattern => "pattern",
            DialPlanRefusal.OverDailyCap => "cap",
            _ => "unavailable",
        };
        return new ResolvedPrompt("callback-refused-" + reason, language, $"{language}/callback_refused_{reason}.wav", message);
    }

    private void BookCallback(BookCallbackEffect callback)
    {
        var skill = callback.Skill ?? _lastQueueSkill;
        if (skill is null)
        {
            _log.LogWarning("Callback to {Number} names no skill and the call was never queued: not booked", callback.Number);
            _run!.CallbackResult(false, null);
            return;
        }
        var enteredAt = _enteredQueueAt ?? _services.Time.GetUtcNow();
        _services.Router!.Tell(new BookCallback(_setup.Call.CallId, skill, callback.Number, _setup.Call.CallerNumber, enteredAt, _run?.Language));
    }

    /// <summary>Where a message for a skill is recorded (<c>data/messages/ID.wav</c>), or null for an ordinary recording.</summary>
    private string? MessagePath()
    {
        if (_messageSkill is null || _services.Router is null || _services.MessagesFolder is not { } folder) return null;
        _messageStartedAt = _services.Time.GetUtcNow();
        _messageId = string.Create(CultureInfo.InvariantCulture, $"{_messageStartedAt:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, _messageId + ".wav");
    }

    /// <summary>Stores a skill message's metadata through the router before the flow moves on; false for an ordinary recording.</summary>
    private bool SaveMessage(string path, double seconds)
    {
        if (_messageId is not { } id || _messageSkill is not { } skill || _services.Router is null) return false;
        var wavPath = Path.Combine("messages", Path.GetFileName(path));
        var message = new MessageRecord(id, skill, string.IsNullOrEmpty(_setup.Call.CallerNumber) ? null : _setup.Call.CallerNumber,
            _messageStartedAt, TimeSpan.FromSeconds(seconds), wavPath);
        _pendingMessage = (path, seconds);
        _services.Router.Tell(new SaveMessage(message));
        return true;
    }

    private (string Path, double Seconds)? _pendingMessage;

    private void OnMessageSaved(MessageSaved m)
    {
        if (_pendingMessage is not { } pending) return;
        _pendingMessage = null;
        _messageId = null;
        if (!m.Saved) _log.LogError("The message's metadata was not stored: {Error}", m.Error);
        else _log.LogInformation("Message {Path} ({Seconds:0.0} s) stored for {Skill}", pending.Path, pending.Seconds, _messageSkill);
        Guard(() => _run!.RecordingFinished(pending.Path, pending.Seconds));
    }

    private sealed class QueueWait(EnqueueEffect effect)
    {
        public EnqueueEffect Effect { get; } = effect;
        public WaitAnnouncer Announcer { get; } = new();
        public DateTimeOffset? LastAnnouncedAt { get; set; }
        public DateTimeOffset? LastOfferAt { get; set; }
        public bool Offering { get; set; }
    }

    private sealed record QueueCheckDue
    {
        public static QueueCheckDue Instance { get; } = new();
    }

    private sealed record QueueOverflowDue(string Skill);

    private sealed record OfferKeysTimedOut
    {
        public static OfferKeysTimedOut Instance { get; } = new();
    }

    private sealed record AgentLegResult(DeliverCall Deliver, OutboundLeg Leg);

    private sealed record AgentHungUp
    {
        public static AgentHungUp Instance { get; } = new();
    }
}

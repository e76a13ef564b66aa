using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Integrations.ScreenPop;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls.Queue;

/// <summary>
/// A call's side of the skill router, run by its actor: the <c>queue</c> step waits in the router's line on hold audio,
/// hears what <see cref="QueueWait"/> says to announce or offer as the router pushes its place, chooses by key or speech,
/// overflows and gives up as the step says; on delivery an <see cref="AgentConnection"/> rings the agent and bridges.
/// Callback bookings go through the router too. Runs on the actor's thread; its timers and replies come back as messages.
/// </summary>
internal sealed class QueueDialogue(CallContext call)
{
    private const string WaitTimer = "queue-wait";
    private const string OverflowTimer = "queue-overflow";
    private const string OfferKeyTimer = "offer-keys";
    private const string AnnounceTimer = "queue-announce";

    private QueueWait? _wait;
    private bool _cannotBridge; // the queue step failed at once: the leg cannot be bridged (WaitExpired says so)
    private string? _lastSkill;
    private DateTimeOffset? _enteredAt;
    private DateTimeOffset? _bridgedAt;
    private AgentConnection? _agent;
    private string? _servedBy;
    private Action? _afterAnnouncement;
    private PreviousContacts? _contacts;

    /// <summary>True once the caller is bridged to an agent.</summary>
    public bool IsBridged => _agent is { IsBridged: true };

    private IActorRef Router => call.Services.Router!;

    private DateTimeOffset Now => call.Services.Time.GetUtcNow();

    /// <summary>Handles a message of the queue's (the router's pushes and replies, the queue's timers); false for any other.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case CallerQueued m: Placed(m); break;
            case Calls.AnnounceDue: AnnounceDue(); break;
            case QueueOverflowDue m: Overflow(m); break;
            case OfferKeysTimedOut: OfferTimedOut(); break;
            case QueueWaitExpired: WaitExpired(); break;
            case DeliverCall m: Deliver(m); break;
            case AgentRang m: AgentRang(m); break;
            case CallbackBookingResult m: Booked(m); break;
            case RouterIncarnation: Rejoin(); break;
            case AgentContactsFound m: ContactsFound(m); break;
            default: return false;
        }
        return true;
    }

    /// <summary>Executes a <c>queue</c> step: hold audio, then the router's line (or, without a router, a timed hold that fails).</summary>
    public void Enqueue(EnqueueEffect enqueue)
    {
        if (!call.Leg.CanBridge)
        {
            // No agent could be connected to this leg: fail now (from a timer: never inside the run's own step) rather than ring one.
            _cannotBridge = true;
            call.Log.LogWarning("Queue step for skill {Skill} fails at once: a {Source} call cannot be bridged to an agent", enqueue.Skill, call.Leg.Source);
            call.Timers.StartSingleTimer(WaitTimer, QueueWaitExpired.Instance, TimeSpan.Zero);
            return;
        }
        if (call.Services.Router is null)
        {
            var wait = enqueue.MaxWait ?? call.Services.QueueWaitWithoutRouter;
            call.Log.LogWarning("Router not configured: caller waits on hold for skill {Skill} and the queue step fails after {Wait}", enqueue.Skill, wait);
            Hold(enqueue.Hold);
            call.Timers.StartSingleTimer(WaitTimer, QueueWaitExpired.Instance, wait);
            return;
        }
        var now = Now;
        _wait = QueueWait.Enter(enqueue, now);
        _lastSkill = enqueue.Skill;
        _enteredAt = now;
        Hold(enqueue.Hold);
        StartAgentContext(enqueue, now);
        // The router answers with the place and pushes it again whenever it changes (no polling).
        Router.Tell(new EnqueueCaller(call.CallId, enqueue.Skill, enqueue.Priority, QueueWait.RouterOffer(enqueue.Offer)) { Prefer = LastAgent(enqueue) }, call.Self);
        if (enqueue.MaxWait is { } maxWait) call.Timers.StartSingleTimer(WaitTimer, QueueWaitExpired.Instance, maxWait);
        if (enqueue.Overflow is { } overflow)
            call.Timers.StartSingleTimer(OverflowTimer, new QueueOverflowDue(overflow.Skill), TimeSpan.FromSeconds(overflow.After));
    }

    /// <summary>The router pushed the caller's place.</summary>
    public void Placed(CallerQueued m)
    {
        if (_wait is null) return;
        (_wait, var say) = _wait.Placed(m, Now, busy: call.Playback.Kind == PlaybackKind.Announce);
        if (say is not null) Say(say);
    }

    /// <summary>The step's own announcement cadence: the latest place is said again without asking the router.</summary>
    public void AnnounceDue()
    {
        if (_wait is null) return;
        // Something of the queue's is playing (an offer, an announcement): it is never cut; the cadence goes on.
        var (next, say) = call.Playback.Kind == PlaybackKind.Announce ? (_wait, null) : _wait.AnnounceIfDue(Now, force: true);
        _wait = next;
        if (say is not null) Say(say);
        else if (_wait.AnnounceEvery is { } every) call.Timers.StartSingleTimer(AnnounceTimer, Calls.AnnounceDue.Instance, every);
    }

    /// <summary>The step's overflow is due: the caller moves to another skill's line, keeping their entry time.</summary>
    public void Overflow(QueueOverflowDue m)
    {
        if (_wait is null) return;
        call.Log.LogInformation("Overflow: call moves to skill {Skill}", m.Skill);
        _wait = _wait.MovedTo(m.Skill);
        _lastSkill = m.Skill;
        Router.Tell(new MoveCaller(call.CallId, m.Skill), call.Self);
    }

    /// <summary>The offer's time to answer ran out: hold audio again.</summary>
    public void OfferTimedOut()
    {
        if (_wait is not { Offering: true }) return;
        _wait = _wait.OfferClosed();
        StopOfferListening();
        AfterOffer();
    }

    /// <summary>The step's <c>maxWait</c> ran out (or, without a router, the hold ended).</summary>
    public void WaitExpired()
    {
        if (_wait is not null)
        {
            Leave(QueueOutcome.Failed);
            return;
        }
        if (call.Playback.Kind == PlaybackKind.Hold) call.Playback.Stop();
        var why = _cannotBridge ? "the call cannot be bridged to an agent" : "router not configured";
        _cannotBridge = false;
        call.Log.LogInformation("The queue step ends as failed: {Why}", why);
        call.Timeline.QueueEvent("wait expired: failed (" + why + ")", call.Run?.CurrentFlow, call.Run?.CurrentStep);
        call.Guard(run => run.QueueResult(QueueOutcome.Failed));
    }

    /// <summary>A key while queued: the offer's choice, if any; true when the queue took it (the flow does not see it).</summary>
    public bool Digit(char digit)
    {
        if (_wait is null) return false;
        (_wait, var choice) = _wait.Key(digit);
        Choose(choice);
        return true;
    }

    /// <summary>The result of the offer's listening turn: its choice, or the caller keeps waiting.</summary>
    public void Answered(RecognitionResult result)
    {
        if (_wait is not { Effect.Offer: not null } wait || result.Kind == RecognitionKind.NoInput) return;
        var text = result.Kind == RecognitionKind.Match ? result.Text : null;
        (_wait, var choice) = wait.Answered(text, call.Language);
        call.Log.LogInformation("Offer answered by speech: {Heard} ({Confidence:F2}) → {Choice}", text ?? "(no match)", result.Confidence, choice);
        call.Timeline.QueueEvent($"offer answered by speech: {text ?? "no match"}", call.Run?.CurrentFlow, call.Run?.CurrentStep);
        if (choice == QueueChoice.None) ResumeHold();
        else Choose(choice);
    }

    /// <summary>What played for the queue ended (an announcement, an offer, a refusal).</summary>
    public void AnnouncementFinished()
    {
        if (_afterAnnouncement is { } next)
        {
            _afterAnnouncement = null;
            next();
            return;
        }
        if (_wait is { Offering: true }) call.Timers.StartSingleTimer(OfferKeyTimer, OfferKeysTimedOut.Instance, call.Services.OfferKeyTimeout);
        else if (_wait is not null)
        {
            (_wait, var pending) = _wait.Resumed(Now);
            if (pending is not null)
            {
                Say(pending);
                return;
            }
        }
        ResumeHold();
    }

    /// <summary>The router chose an agent: ring them (the result comes back as <see cref="AgentRang"/>).</summary>
    public void Deliver(DeliverCall m)
    {
        if (_wait is null || call.Services.Outbound is not { } outbound)
        {
            Router.Tell(new AgentNotAnswered(m.CallId, m.AgentId, 0), call.Self);
            return;
        }
        call.Log.LogInformation("Ringing agent {Agent} at {Contact}", m.AgentId, m.Contact);
        _agent?.End();
        var agent = _agent = new AgentConnection(outbound, m.AgentId, call.Log, call.Services.ScreenPop);
        var display = string.IsNullOrEmpty(call.Setup.Call.CallerNumber) ? null : call.Setup.Call.CallerNumber;
        // Built once per delivery: what this agent's INVITE, screen-pop and the call's API show.
        var context = QueueAgentContext.For(call, _wait.Effect, _wait.Skill, m.AgentId, _enteredAt ?? Now, Now, _contacts);
        call.Timeline.ContextForAgent(context);
        agent.RingAsync(m.Contact, display, m.RingTimeout, context).PipeTo(call.Self, success: result => new AgentRang(agent, m.CallId, result));
    }

    /// <summary>The agent answered or not: bridge and leave the line, or tell the router so the caller keeps their place.</summary>
    public void AgentRang(AgentRang m)
    {
        if (!ReferenceEquals(m.Connection, _agent) || _wait is null || call.Leg.IsEnded)
        {
            // The caller left (or the step ended) while the agent rang: the agent's leg, if up, is hung up.
            m.Connection.End(m.Result);
            return;
        }
        if (m.Result.Leg is not { } agentLeg)
        {
            call.Log.LogInformation("Agent {Agent} did not answer: {Status} {Code} {Problem}", m.Connection.AgentId, m.Result.Status, m.Result.StatusCode, m.Result.Problem);
            _agent = null;
            Router.Tell(new AgentNotAnswered(m.CallId, m.Connection.AgentId, m.Result.StatusCode), call.Self);
            return;
        }
        if (agentLeg.IsEnded)
        {
            // The agent answered and hung up before the bridge: as not answered; the caller keeps their place.
            _agent = null;
            m.Connection.End();
            Router.Tell(new AgentNotAnswered(m.CallId, m.Connection.AgentId, 487), call.Self);
            return;
        }
        call.Playback.Stop();
        if (!m.Connection.Bridge(call.Leg, agentLeg, new CallLegListener(call.Self, agent: true)))
        {
            // The caller hung up a moment ago: their BYE is on its way here and counts the abandonment (the agent is freed).
            _agent = null;
            return;
        }
        StopWaiting();
        _bridgedAt = Now;
        _servedBy = m.Connection.AgentId;
        Router.Tell(new AgentAnswered(m.CallId, m.Connection.AgentId), call.Self);
        call.Log.LogInformation("Bridged to agent {Agent} (call {AgentCallId})", m.Connection.AgentId, agentLeg.CallId);
        call.Timeline.Connected(m.Connection.AgentId, _lastSkill, call.Run?.CurrentFlow, call.Run?.CurrentStep);
        call.Guard(run => run.QueueResult(QueueOutcome.Connected));
    }

    /// <summary>
    /// A new router incarnation started (the cluster's router moved to another node, empty): this call re-announces what it
    /// holds with its original facts: its place with the time it first entered the line, the agent it rings, or the agent it
    /// talks to.
    /// </summary>
    public void Rejoin()
    {
        if (call.Services.Router is not { } router || _lastSkill is not { } skill) return;
        if (_agent is { IsBridged: true } talking)
        {
            router.Tell(new AgentTalking(call.CallId, talking.AgentId, skill, _bridgedAt ?? Now), call.Self);
            return;
        }
        if (_wait is not { } wait) return;
        call.Log.LogInformation("Router restarted: re-announcing the place in {Skill} (entered {EnteredAt:o})", skill, _enteredAt);
        router.Tell(new EnqueueCaller(call.CallId, skill, wait.Effect.Priority, QueueWait.RouterOffer(wait.Effect.Offer), _enteredAt ?? Now, _agent?.AgentId) { Prefer = LastAgent(wait.Effect) }, call.Self);
    }

    /// <summary>The router's form of the step's <c>preferLastAgent</c> for this caller (their last agent, held for a while), or null.</summary>
    private static AgentPreference? LastAgent(EnqueueEffect enqueue) =>
        enqueue.PreferAgent is { } prefer ? new AgentPreference(prefer.AgentId, prefer.Wait) : null;

    /// <summary>
    /// The agent hung up: true when the caller's leg should end too (they were bridged). In a queue step with <c>afterAgent</c>
    /// (the run waits for <see cref="FlowWait.Agent"/>) the bridge is undone instead, the router told, and the caller's flow
    /// goes on at that step (a survey, say): false.
    /// </summary>
    public bool AgentHungUp()
    {
        if (!IsBridged) return false;
        var agentId = _agent!.AgentId;
        if (call.Run is not { Waiting: FlowWait.Agent } run || call.Leg.IsEnded)
        {
            call.Log.LogInformation("Agent {Agent} hung up: ending the caller's leg", agentId);
            return true;
        }
        call.Log.LogInformation("Agent {Agent} hung up first: the caller's flow goes on after step {Step}", agentId, run.CurrentStep);
        EndAgent();
        call.Timeline.AgentLeft(agentId, run.CurrentFlow, run.CurrentStep);
        call.Guard(r => r.AgentLeft());
        return false;
    }

    /// <summary>
    /// What the call knows of the caller's path for a survey: the skill, the agent who served them and how long they waited
    /// for that agent (null when no agent answered).
    /// </summary>
    public (string? Skill, string? Agent, TimeSpan? Waited) Served =>
        (_lastSkill, _servedBy, _servedBy is not null && _bridgedAt is { } bridged && _enteredAt is { } entered ? bridged - entered : null);

    /// <summary>Ends the agent's side (idempotent): a ring is cancelled; a bridge is undone, the agent hung up and the router told.</summary>
    public void EndAgent()
    {
        if (_agent is not { } agent) return;
        _agent = null;
        var bridged = agent.IsBridged;
        agent.End();
        if (bridged) call.Services.Router?.Tell(new AgentCallEnded(call.CallId, agent.AgentId), call.Self);
    }

    /// <summary>The caller hung up: if they waited, that is an abandonment (the router measures its wait).</summary>
    public void CallerLeft()
    {
        if (_wait is null) return;
        StopWaiting();
        Router.Tell(new LeaveQueue(call.CallId, QueueExit.Abandoned), call.Self);
    }

    /// <summary>Books a callback through the router (false and refused at once when it cannot be booked).</summary>
    public void Book(BookCallbackEffect callback)
    {
        var skill = callback.Skill ?? _lastSkill;
        if (call.Services.Router is null || skill is null)
        {
            call.Log.LogWarning("Callback to {Number} for skill {Skill} not booked: {Why}", callback.Number, skill,
                call.Services.Router is null ? "router not configured" : "it names no skill and the call was never queued");
            call.Run!.CallbackResult(false, null);
            return;
        }
        Router.Tell(new BookCallback(call.CallId, skill, callback.Number, call.Setup.Call.CallerNumber, _enteredAt ?? Now, call.Run?.Language), call.Self);
    }

    /// <summary>
    /// Booked: the row is durable, the flow goes on to its confirmation. Refused (toll-fraud dial plan, daily cap): the caller
    /// first hears why, then the flow takes the refusal as a failed attempt and asks again. Not kept (the store failed): the
    /// caller hears that the booking could not be made right now (never that the number was refused), then likewise.
    /// </summary>
    public void Booked(CallbackBookingResult m)
    {
        if (m.Booked)
        {
            call.Log.LogInformation("Callback {Id} is stored; the caller hears the confirmation", m.CallbackId);
            call.Guard(run => run.CallbackResult(true, m.Number));
            return;
        }
        call.Log.LogInformation("Callback to {Number} not booked ({Refusal}): {Message}", m.Number, m.Refusal, m.Message);
        _afterAnnouncement = () => call.Guard(run => run.CallbackResult(false, m.Number));
        PlayAnnouncement([m.StoreFailed ? call.Services.Words.CallbackNotKept(call.Language) : call.Services.Words.CallbackRefused(call.Language, m.Refusal)]);
    }

    // The context shown while the caller waits (no agent yet), and the lookup of their previous contacts, piped back.
    private void StartAgentContext(EnqueueEffect enqueue, DateTimeOffset now)
    {
        call.Timeline.ContextForAgent(QueueAgentContext.For(call, enqueue, enqueue.Skill, null, now, now, _contacts));
        if (_contacts is not null || call.Services.PreviousContacts is not { } history) return;
        history.LookupAsync(call.Setup.Call.CallerNumber, now).PipeTo(call.Self,
            success: found => new AgentContactsFound(found),
            failure: ex =>
            {
                call.Log.LogWarning("Previous contacts of the caller not read for the agent's context: {Problem}", ex.Message);
                return new AgentContactsFound(null);
            });
    }

    private void ContactsFound(AgentContactsFound m)
    {
        _contacts = m.Contacts;
        if (_wait is not null && call.Timeline.AgentContext is { Agent: null } shown)
            call.Timeline.ContextForAgent(shown with { Contacts = m.Contacts });
    }

    private void Hold(IReadOnlyList<ResolvedPrompt> holdPrompts)
    {
        var hold = call.Services.Prompts.FindAll(holdPrompts);
        if (holdPrompts.Count == 0 && call.Services.Prompts.FindSound("common/hold.wav") is { } fallback) hold.Add(fallback);
        call.Playback.Hold(hold);
    }

    private void Say(QueueAnnouncement say)
    {
        var wait = _wait!;
        var language = call.Language;
        if (say.Offer is not { } offer)
        {
            PlayAnnouncement(call.Services.Words.Announcement(language, say, spokenAnswers: false));
            if (wait.AnnounceEvery is { } every) call.Timers.StartSingleTimer(AnnounceTimer, Calls.AnnounceDue.Instance, every);
            return;
        }
        call.Log.LogInformation("Offering a callback/message ({Reason}) at position {Position}", say.OfferReason, say.Position);
        call.Timeline.QueueEvent($"offer: {(offer.Callback ? "callback" : "")}{(offer.Callback && offer.Message ? "+" : "")}{(offer.Message ? "message" : "")} ({say.OfferReason}) at position {say.Position}", call.Run?.CurrentFlow, call.Run?.CurrentStep);
        if (wait.AnnounceEvery is { } cadence && !call.Timers.IsTimerActive(AnnounceTimer))
            call.Timers.StartSingleTimer(AnnounceTimer, Calls.AnnounceDue.Instance, cadence);
        var spoken = call.Services.Speech.CanRecognize(language) && OfferAnswers.Speaks(language);
        PlayAnnouncement(wait.Effect.OfferPrompt.Count > 0 ? wait.Effect.OfferPrompt : call.Services.Words.Announcement(language, say, spoken));
        if (_wait is not { Offering: true } || !spoken) return;
        // The offer is open while it plays and for the key timeout after it: listen that long (a minute at most).
        var listen = new ListenEffect(true, OfferAnswers.Phrases(offer, language), language, OfferAnswers.MinConfidence);
        call.Speech.Listen(listen, bargeIn: true, call.Run?.CurrentStep, TimeSpan.FromMinutes(1), forOffer: true);
    }

    /// <summary>
    /// Interrupts hold audio with <paramref name="prompts"/>, text synthesized off the actor when not ready yet (a position
    /// or a wait said for the first time); when nothing is playable (text without TTS) it ends at once and hold resumes.
    /// </summary>
    private void PlayAnnouncement(IReadOnlyList<ResolvedPrompt> prompts)
    {
        call.Log.LogInformation("Announcement: {Text}", string.Join(" ", prompts.Select(p => p.Text ?? p.Sound)));
        call.Playback.PlayPrompts(PlaybackKind.Announce, prompts, call.Services.Prompts, call.Self, call.Log);
    }

    /// <summary>The offer closed and the caller waits on: an announcement due now (none was made yet, or its time came) is made, else hold.</summary>
    private void AfterOffer()
    {
        (_wait, var say) = _wait!.AnnounceIfDue(Now);
        if (say is not null) Say(say);
        else ResumeHold();
    }

    private void ResumeHold()
    {
        if (_wait is null || IsBridged || call.Playback.Kind is PlaybackKind.Hold or PlaybackKind.Announce) return;
        Hold(_wait.Effect.Hold);
    }

    private void Choose(QueueChoice choice)
    {
        switch (choice)
        {
            case QueueChoice.Callback:
                Leave(QueueOutcome.Callback);
                break;
            case QueueChoice.Message:
                Leave(QueueOutcome.Message);
                break;
            case QueueChoice.Stay:
                StopOfferListening();
                call.Timers.Cancel(OfferKeyTimer);
                if (call.Playback.Kind == PlaybackKind.Announce) call.Playback.Stop();
                AfterOffer();
                break;
        }
    }

    /// <summary>The caller leaves the line without an agent: the router is told why and the flow continues.</summary>
    private void Leave(QueueOutcome outcome)
    {
        var exit = outcome switch
        {
            QueueOutcome.Callback => QueueExit.Callback,
            QueueOutcome.Message => QueueExit.Message,
            _ => QueueExit.TimedOut,
        };
        call.Log.LogInformation("Leaving the {Skill} queue: {Outcome}", _lastSkill, outcome);
        StopWaiting();
        EndAgent();
        Router.Tell(new LeaveQueue(call.CallId, exit), call.Self);
        call.Playback.Stop();
        call.Guard(run => run.QueueResult(outcome));
    }

    private void StopWaiting()
    {
        StopOfferListening();
        _wait = null;
        foreach (var timer in (ReadOnlySpan<string>)[WaitTimer, OverflowTimer, OfferKeyTimer, AnnounceTimer]) call.Timers.Cancel(timer);
    }

    private void StopOfferListening()
    {
        if (call.Speech is { ForOffer: true } speech) speech.End();
    }
}

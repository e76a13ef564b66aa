using Akka.Actor;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Messages;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The skill router: one actor owning every skill's line (<see cref="SkillQueue"/> via <see cref="RouteSelector"/>), the
/// <see cref="AgentPool"/>, a <see cref="WaitMeter"/>, <see cref="BestEstimator"/> and <see cref="OfferPolicy"/> per skill,
/// and the virtual places of booked callbacks. Call actors enqueue; the router picks the longest-idle ready agent with the
/// skill (best level first), tells the call actor to ring it, and measures answers, abandonments and handle times.
/// Waiting callers are told their place when it changes (<see cref="CallerQueued"/>, pushed; they never ask). After every
/// message it publishes an immutable snapshot to <see cref="RouterStatus"/>.
/// </summary>
/// <remarks>
/// Callers of the flow's priority p sit at line priority 9 − p (the line serves 0 first). A callback's virtual place keeps
/// the original time its caller entered the line; <see cref="CallbackPacer"/> decides whether a callback at the head may
/// take an agent while live callers wait. Store I/O is piped back to the actor, never awaited in a handler.
/// </remarks>
public sealed partial class SkillRouter : ReceiveActor, IWithTimers
{
    private const string CallbackPrefix = "cb:";

    private readonly SkillRouterSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly AgentPool _pool = new();
    private readonly RouteSelector _selector;
    private readonly Dictionary<string, SkillLine> _lines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentConfig> _agents = new(StringComparer.Ordinal);
    private readonly List<string> _agentOrder = [];
    private readonly Dictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _callActors = [];
    private readonly Dictionary<string, Talk> _talks = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Talk> _callbackTalks = [];
    private readonly Dictionary<string, string> _wrapUpSkill = new(StringComparer.Ordinal);
    private AgentsConfig _config;
    private CallbackDialPlan _dialPlan;
    private ICallbackStore? _callbacks;
    private IMessageStore? _messages;

    /// <summary>Registers the handlers and loads the agents.</summary>
    public SkillRouter(SkillRouterSettings settings)
    {
        _settings = settings;
        _time = settings.Time;
        _log = settings.Logging.CreateLogger<SkillRouter>();
        _selector = new RouteSelector(_pool);
        _config = settings.Agents;
        _dialPlan = settings.DialPlan;
        Apply(settings.Agents);

        Receive<EnqueueCaller>(OnEnqueue);
        Receive<MoveCaller>(OnMove);
        Receive<LeaveQueue>(OnLeave);
        Receive<AgentAnswered>(OnAgentAnswered);
        Receive<AgentNotAnswered>(OnAgentNotAnswered);
        Receive<AgentCallEnded>(m => EndTalk(m.CallId));
        Receive<WrapUpEnded>(OnWrapUpEnded);
        Receive<SetAgentState>(OnSetAgentState);
        Receive<GetAgents>(_ =>
        {
            _changedNothing = true;
            Sender.Tell(new AgentsResult([.. _agentOrder.Select(View)]));
        });
        Receive<ReplaceAgents>(m => Sender.Tell(Apply(m.Config)));
        Receive<Terminated>(OnTerminated);
        ClusterHandlers();
        CallbackHandlers();
        PlaceHandlers();
        PreferenceHandlers();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of the router.</summary>
    public static Props Props(SkillRouterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Akka.Actor.Props.Create(() => new SkillRouter(settings));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        OpenStores();
        StartPlaceTimer();
        AnnounceIncarnation();
        Publish();
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        AfterMessage();
        Publish();
        return handled;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private static int LinePriority(int flowPriority) => 9 - Math.Clamp(flowPriority, 0, 9);

    private void OnEnqueue(EnqueueCaller m)
    {
        if (m.IsRejoin)
        {
            OnRejoin(m);
            return;
        }
        var now = Now;
        if (_waiters.ContainsKey(m.CallId))
        {
            _log.LogWarning("Call {CallId} is already queued; enqueue ignored", m.CallId);
            return;
        }
        var line = Line(m.Skill);
        var place = new QueuedCaller(m.CallId, LinePriority(m.Priority), now) { Prefer = Preference(m, now) };
        var waiter = new Waiter(m.CallId, Sender, m.Skill, place, m.Offer is null ? null : new OfferPolicy(m.Offer));
        _waiters[m.CallId] = waiter;
        if (!_callActors.ContainsKey(Sender) && !Sender.IsNobody())
        {
            _callActors[Sender] = m.CallId;
            Context.Watch(Sender);
        }
        line.Meter.Arrived(now);
        var queue = _selector.Queue(m.Skill);
        queue.Enqueue(place);
        var ahead = queue.PositionOf(m.CallId) ?? 0;
        waiter.Estimates = Estimate(line, ahead);
        _log.LogInformation("Call {CallId} queued for {Skill} at position {Position}", m.CallId, m.Skill, ahead + 1);

        Dispatch(m.Skill);
        if (waiter.AgentId is not null || !queue.Contains(m.CallId)) return;
        ahead = queue.PositionOf(m.CallId) ?? 0;
        var ewt = ExpectedWait(line, ahead);
        var policy = waiter.Policy ?? line.Policy;
        var decision = policy is null ? NoOffer : policy.EvaluateArrival(OfferContextFor(line, policy, ewt, queue.Count));
        Tell(waiter, new CallerQueued(m.Skill, ahead + 1, ewt, _pool.StaffedCount(m.Skill), decision), now);
    }

    private void OnMove(MoveCaller m)
    {
        if (!_waiters.TryGetValue(m.CallId, out var waiter) || waiter.AgentId is not null) return;
        if (!_selector.Queue(waiter.Skill).TryRemove(m.CallId, out var place)) return;
        _log.LogInformation("Call {CallId} overflows from {From} to {To}, keeping its entry time", m.CallId, waiter.Skill, m.Skill);
        waiter.Skill = m.Skill;
        Line(m.Skill);
        _selector.Queue(m.Skill).Enqueue(place);
        Dispatch(m.Skill);
    }

    private void OnLeave(LeaveQueue m)
    {
        if (!_waiters.Remove(m.CallId, out var waiter)) return;
        var now = Now;
        var line = Line(waiter.Skill);
        var wait = now - waiter.Place.EnteredAt;
        _selector.Queue(waiter.Skill).TryRemove(m.CallId, out _);
        if (waiter.AgentId is { } agentId)
        {
            // The caller left while its agent rang: the agent did nothing wrong and is ready again.
            ReleaseAgent(agentId, AgentState.Ready);
        }
        switch (m.Exit)
        {
            case QueueExit.Abandoned:
                line.Meter.Abandoned(now, wait);
                _log.LogInformation("Call {CallId} abandoned {Skill} after {Wait}", m.CallId, waiter.Skill, wait);
                break;
            case QueueExit.Callback:
                line.Meter.CallbackBooked(now);
                break;
        }
        Dispatch(waiter.Skill);
    }

    private void OnAgentAnswered(AgentAnswered m)
    {
        if (!_waiters.Remove(m.CallId, out var waiter) || waiter.AgentId != m.AgentId) return;
        var now = Now;
        var line = Line(waiter.Skill);
        var wait = now - waiter.Place.EnteredAt;
        line.Meter.Answered(now, wait);
        line.LastAnsweredWait = wait;
        if (waiter.Estimates is { } estimates) line.Estimator.RecordAnswered(estimates, wait);
        if (_agents.ContainsKey(m.AgentId)) _pool.SetState(m.AgentId, AgentState.Talking, now);
        _talks[m.CallId] = new Talk(m.AgentId, waiter.Skill, waiter.RingStartedAt ?? now);
        _log.LogInformation("Call {CallId} connected to agent {Agent} after waiting {Wait}", m.CallId, m.AgentId, wait);
    }

    private void OnAgentNotAnswered(AgentNotAnswered m)
    {
        if (!_waiters.TryGetValue(m.CallId, out var waiter) || waiter.AgentId != m.AgentId) return;
        _log.LogWarning("Agent {Agent} did not answer call {CallId} ({Status}); set away, the caller keeps its place", m.AgentId, m.CallId, m.StatusCode);
        waiter.AgentId = null;
        waiter.RingStartedAt = null;
        ReleaseAgent(m.AgentId, AgentState.Away);
        _selector.Queue(waiter.Skill).Enqueue(waiter.Place);
        Dispatch(waiter.Skill);
    }

    private void EndTalk(string callId)
    {
        if (!_talks.Remove(callId, out var talk)) return;
        FinishTalk(talk);
    }

    private void FinishTalk(Talk talk)
    {
        var now = Now;
        var wrapUp = TimeSpan.FromSeconds(Math.Max(0, _config.WrapUpSeconds));
        Line(talk.Skill).Meter.Handled(now, now - talk.StartedAt + wrapUp);
        if (wrapUp > TimeSpan.Zero && _agents.ContainsKey(talk.AgentId))
        {
            ReleaseAgent(talk.AgentId, AgentState.WrapUp);
            _wrapUpSkill[talk.AgentId] = talk.Skill;
            Timers.StartSingleTimer("wrap-" + talk.AgentId, new WrapUpEnded(talk.AgentId), wrapUp);
        }
        else
        {
            ReleaseAgent(talk.AgentId, AgentState.Ready);
        }
    }

    private void OnWrapUpEnded(WrapUpEnded m)
    {
        if (!_agents.ContainsKey(m.AgentId) || _pool.StateOf(m.AgentId) != AgentState.WrapUp) return;
        _pool.SetState(m.AgentId, AgentState.Ready, Now);
        DispatchForAgent(m.AgentId);
    }

    private void OnSetAgentState(SetAgentState m)
    {
        if (!_agents.ContainsKey(m.AgentId))
        {
            Sender.Tell(new AgentStateResult(null, $"Unknown agent '{m.AgentId}'."));
            return;
        }
        if (m.State is not (AgentState.Ready or AgentState.Away))
        {
            Sender.Tell(new AgentStateResult(View(m.AgentId), $"An agent can be set Ready or Away, not {m.State}."));
            return;
        }
        var current = _pool.StateOf(m.AgentId);
        if (current is AgentState.Reserved or AgentState.Ringing or AgentState.Talking)
        {
            Sender.Tell(new AgentStateResult(View(m.AgentId), $"Agent '{m.AgentId}' is {current}: set the state after the call."));
            return;
        }
        Timers.Cancel("wrap-" + m.AgentId);
        _pool.SetState(m.AgentId, m.State, Now);
        _log.LogInformation("Agent {Agent} set {State}", m.AgentId, m.State);
        if (m.State == AgentState.Ready) DispatchForAgent(m.AgentId);
        else ReleaseHeldFor(m.AgentId);
        Sender.Tell(new AgentStateResult(View(m.AgentId), null));
    }

    private void OnTerminated(Terminated m)
    {
        if (ForgetPeer(m.ActorRef)) return;
        if (OnAttemptTerminated(m.ActorRef)) return;
        if (!_callActors.Remove(m.ActorRef, out var callId)) return;
        if (_waiters.ContainsKey(callId)) OnLeave(new LeaveQueue(callId, QueueExit.Abandoned));
        EndTalk(callId);
    }

    private void Dispatch(string skill)
    {
        if (_rebuilding) return;
        var queue = _selector.Queue(skill);
        var now = Now;
        while (queue.Count > 0)
        {
            // A caller held for their last agent goes to that agent as soon as the agent is available.
            if (DeliverHeld(_selector.HeldForAvailableAgent(skill, now))) continue;
            if (!_pool.TryGetBest(skill, out var agentId, out _) || _selector.FirstOpen(skill, now) is not { } head) break;
            var next = head;
            if (head.IsCallback)
            {
                var live = queue.Count - queue.CallbackCount;
                if (!CanDialCallbacks || !_settings.Pacer.MayDial(_pool.AvailableCount(skill), live, now - head.EnteredAt))
                {
                    // The callback waits for spare agents; the first live caller behind it is served meanwhile.
                    if (_selector.FirstOpen(skill, now, p => !p.IsCallback) is not { } firstLive) break;
                    next = firstLive;
                }
            }
            _selector.Commit(new RoutingDecision(next, skill, agentId, skill, 0), now);
            if (next.IsCallback) StartCallback(next, skill, agentId);
            else Deliver(next.Id, agentId);
        }
    }

    private void DispatchForAgent(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent)) return;
        // Callers held for this agent (their last agent) come before every line's head.
        while (_pool.IsAvailable(agentId) && DeliverHeld(_selector.HeldFor(agentId, Now))) { }
        // Serve the skills whose heads come first (priority, then entry time) before the others.
        var skills = agent.Skills
            .Select(s => (s.Skill, Head: _selector.Queue(s.Skill).TryPeek(out var h) ? h : null))
            .Where(x => x.Head is not null)
            .OrderBy(x => x.Head!.Priority).ThenBy(x => x.Head!.EnteredAt)
            .Select(x => x.Skill)
            .ToList();
        foreach (var skill in skills)
        {
            if (!_pool.IsAvailable(agentId)) return;
            Dispatch(skill);
        }
    }


    private void Deliver(string callId, string agentId)
    {
        var waiter = _waiters[callId];
        var now = Now;
        waiter.AgentId = agentId;
        waiter.RingStartedAt = now;
        _pool.SetState(agentId, AgentState.Ringing, now);
        var contact = ContactOf(agentId);
        _log.LogInformation("Call {CallId} goes to agent {Agent} at {Contact}", callId, agentId, contact);
        waiter.Caller.Tell(new DeliverCall(callId, agentId, contact, waiter.Skill, TimeSpan.FromSeconds(_config.RingTimeoutSeconds)));
    }

    /// <summary>
    /// Where the engine rings <paramref name="agentId"/>: a registered softphone (REGISTER, <see cref="SkillRouterSettings.RegisteredContact"/>,
    /// or in a cluster the most recent registration any node announced) first, else the <c>contact</c> of <c>agents.json</c>.
    /// </summary>
    private string ContactOf(string agentId) =>
        _settings.RegisteredContact?.Invoke(agentId) ?? AnnouncedContact(agentId)
        ?? (_agents.TryGetValue(agentId, out var agent) ? agent.Contact : string.Empty);

    private void ReleaseAgent(string agentId, AgentState next)
    {
        if (!_agents.ContainsKey(agentId))
        {
            // Removed from the configuration while on a call: it leaves the pool now.
            _pool.Remove(agentId, Now);
            return;
        }
        if (_pool.ActiveCalls(agentId) > 0) _pool.Release(agentId, Now, next);
        else _pool.SetState(agentId, next, Now);
        if (_pool.IsAvailable(agentId)) DispatchForAgent(agentId);
    }

    private SkillLine Line(string skill)
    {
        if (!_lines.TryGetValue(skill, out var line))
        {
            line = new SkillLine(skill, _settings.MeterWindow, TimeSpan.FromSeconds(20), null);
            _lines[skill] = line;
        }
        return line;
    }

    private WaitEstimates Estimate(SkillLine line, int ahead)
    {
        var queue = _selector.Queue(line.Skill);
        var snapshot = line.Meter.Snapshot(Now);
        TimeSpan? headWait = queue.TryPeek(out var head) ? Now - head.EnteredAt : null;
        var context = new WaitContext(
            CallersAhead: ahead,
            Agents: _pool.StaffedCount(line.Skill),
            ServiceRate: snapshot.ServiceRate ?? 1 / _settings.PriorHandleTime.TotalMinutes,
            PatienceRate: snapshot.PatienceRate ?? 0,
            AgentFree: _pool.AvailableCount(line.Skill) > 0,
            HeadOfLineWait: headWait,
            LastEnteredServiceWait: line.LastAnsweredWait,
            CallbacksAhead: ahead >= queue.Count ? queue.CallbackCount : 0);
        return line.Estimator.EstimateAll(context);
    }

    /// <summary>The trusted expected wait for a caller with <paramref name="ahead"/> places ahead; null when nobody staffs the skill.</summary>
    private TimeSpan? ExpectedWait(SkillLine line, int ahead) =>
        _pool.StaffedCount(line.Skill) == 0 ? null : Estimate(line, ahead).Best;

    private OfferContext OfferContextFor(SkillLine line, OfferPolicy policy, TimeSpan? ewt, int queueLength)
    {
        var snapshot = line.Meter.Snapshot(Now);
        line.AbandonTriggerOn = policy.AbandonTriggerHolds(snapshot.AbandonmentRate, line.AbandonTriggerOn);
        // Nobody staffed: the wait has no bound, which is the strongest reason to offer.
        return new OfferContext(ewt ?? QueueLengthEstimator.Cap, snapshot.AbandonmentRate, queueLength, snapshot.PatienceRate, line.AbandonTriggerOn);
    }

    private AgentsReplaced Apply(AgentsConfig config)
    {
        var now = Now;
        int added = 0, removed = 0, updated = 0;
        foreach (var skill in config.Skills)
        {
            var policy = skill.Offer is { } offer && (offer.Callback || offer.Message) ? new OfferPolicy(offer.ToOptions()) : null;
            if (_lines.TryGetValue(skill.Id, out var line)) line.Reconfigure(TimeSpan.FromSeconds(skill.ServiceLevelSeconds), policy);
            else _lines[skill.Id] = new SkillLine(skill.Id, _settings.MeterWindow, TimeSpan.FromSeconds(skill.ServiceLevelSeconds), policy);
        }

        var incoming = config.Agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var id in _agents.Keys.Where(id => !incoming.ContainsKey(id)).ToList())
        {
            _agents.Remove(id);
            removed++;
            // An agent holding a call stays in the pool until the call ends (ReleaseAgent removes it).
            if (_pool.ActiveCalls(id) == 0) _pool.Remove(id, now);
        }
        foreach (var agent in config.Agents)
        {
            if (!_agents.TryGetValue(agent.Id, out var old))
            {
                _pool.Add(agent.ToAgent(), now, _settings.InitialState);
                added++;
            }
            else if (old.ToAgent() is var before && !SameDefinition(before, agent.ToAgent()))
            {
                updated++;
                if (_pool.ActiveCalls(agent.Id) == 0)
                {
                    var state = _pool.StateOf(agent.Id);
                    _pool.Remove(agent.Id, now);
                    _pool.Add(agent.ToAgent(), now, state);
                }
                else
                {
                    _log.LogWarning("Agent {Agent} is on a call: new skills apply at the next reload", agent.Id);
                }
            }
            _agents[agent.Id] = agent;
        }
        _agentOrder.Clear();
        _agentOrder.AddRange(config.Agents.Select(a => a.Id));
        _config = config;
        _dialPlan = new CallbackDialPlan((config.DialPlan ?? new DialPlanConfig()).ToOptions());
        _log.LogInformation("Agents loaded: {Agents} agents, {Skills} skills ({Added} added, {Removed} removed, {Updated} updated)",
            config.Agents.Count, config.Skills.Count, added, removed, updated);
        foreach (var id in _agentOrder) if (_pool.IsAvailable(id)) DispatchForAgent(id);
        return new AgentsReplaced(added, removed, updated);
    }

    private static bool SameDefinition(Agent a, Agent b) =>
        a.MaxConcurrent == b.MaxConcurrent && a.Skills.SequenceEqual(b.Skills);

    private AgentView View(string agentId)
    {
        var config = _agents[agentId];
        return new AgentView(agentId, config.Name, ContactOf(agentId), config.ToAgent().Skills, _pool.StateOf(agentId),
            _pool.ActiveCalls(agentId), _pool.IdleSince(agentId));
    }

    private void Publish()
    {
        var now = Now;
        var states = Enum.GetValues<AgentState>();
        var list = new List<SkillStatus>(_lines.Count);
        var engaged = EngagedSkills();
        foreach (var line in _lines.Values.OrderBy(l => l.Skill, StringComparer.Ordinal))
        {
            var queue = _selector.Queue(line.Skill);
            var byState = states.ToDictionary(s => s, _ => 0);
            foreach (var agent in _agents.Values)
            {
                // An agent busy with a call counts under the skill of that call only, so the per-skill "talking" figures
                // add up to the calls connected; an idle agent counts under every skill it has.
                var state = _pool.StateOf(agent.Id);
                var counts = engaged.TryGetValue(agent.Id, out var skills) && IsEngaged(state)
                    ? skills.Contains(line.Skill)
                    : agent.Skills.Any(s => s.Skill == line.Skill);
                if (counts) byState[state]++;
            }
            list.Add(new SkillStatus(
                line.Skill,
                now,
                queue.Count,
                queue.TryPeek(out var head) ? now - head.EnteredAt : TimeSpan.Zero,
                ExpectedWait(line, queue.Count),
                byState,
                line.Meter.Snapshot(now),
                queue.CallbackCount + line.CallbacksBackingOff,
                line.CallbacksDialled,
                line.CallbacksFailed,
                line.MessagesRecorded));
        }
        _settings.Status.Publish(list);
        PublishToPeers(list);
    }

    private static bool IsEngaged(AgentState state) =>
        state is AgentState.Reserved or AgentState.Ringing or AgentState.Talking or AgentState.WrapUp;

    /// <summary>The skills each agent is busy with now: calls ringing or connected to it, callbacks it dials, its wrap-up.</summary>
    private Dictionary<string, HashSet<string>> EngagedSkills()
    {
        var engaged = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string agentId, string skill)
        {
            if (!engaged.TryGetValue(agentId, out var skills)) engaged[agentId] = skills = new HashSet<string>(StringComparer.Ordinal);
            skills.Add(skill);
        }
        foreach (var talk in _talks.Values) Add(talk.AgentId, talk.Skill);
        foreach (var talk in _callbackTalks.Values) Add(talk.AgentId, talk.Skill);
        foreach (var waiter in _waiters.Values) if (waiter.AgentId is { } agentId) Add(agentId, waiter.Skill);
        foreach (var dialling in _dialling.Values) Add(dialling.AgentId, dialling.Skill);
        foreach (var (agentId, skill) in _wrapUpSkill) if (_pool.StateOf(agentId) == AgentState.WrapUp) Add(agentId, skill);
        return engaged;
    }

    private sealed class Waiter(string callId, IActorRef caller, string skill, QueuedCaller place, OfferPolicy? policy)
    {
        public string CallId { get; } = callId;
        public IActorRef Caller { get; } = caller;
        public string Skill { get; set; } = skill;
        public QueuedCaller Place { get; } = place;
        public OfferPolicy? Policy { get; } = policy;
        public WaitEstimates? Estimates { get; set; }
        public string? AgentId { get; set; }
        public DateTimeOffset? RingStartedAt { get; set; }

        /// <summary>The place the caller was last told, null before its first <see cref="CallerQueued"/>.</summary>
        public ToldPlace? LastTold { get; set; }

        public DateTimeOffset? LastToldAt { get; set; }

        /// <summary>When the router last made the caller an offer (the policy's re-offer clock).</summary>
        public DateTimeOffset? LastOfferAt { get; set; }
    }

    private sealed record Talk(string AgentId, string Skill, DateTimeOffset StartedAt);

    private sealed record WrapUpEnded(string AgentId);
}

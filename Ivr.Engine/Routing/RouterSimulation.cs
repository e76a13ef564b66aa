namespace Ivr.Engine.Routing;

/// <summary>
/// Capacity planning on a virtual clock: discrete-event simulation of one skill that runs the real routing logic
/// (<see cref="SkillQueue"/> through <see cref="RouteSelector"/>, <see cref="AgentPool"/>, <see cref="WaitMeter"/>,
/// <see cref="BestEstimator"/>, <see cref="OfferPolicy"/>) with Poisson arrivals and exponential handle times and
/// patience drawn from a seeded <see cref="Random"/>.
/// </summary>
/// <remarks>
/// A caller who accepts a callback hangs up but keeps a virtual place with its original entry time. When that place
/// reaches the head and an agent is free beyond the live line's needs (<see cref="CallbackPacer"/>), the agent is
/// reserved and the customer dialled, so callbacks in progress never outnumber free agents and never take an agent a
/// live caller needs; otherwise the first live caller behind it is served. The agent's ringing time counts as handle
/// time in the meter, so the estimates see what callbacks really cost. An unanswered attempt frees the agent and, after a back-off, puts the place back with its
/// original time; after the last attempt the callback is reported failed. The wait meter and estimators start from the
/// configured handle time and patience as priors and switch to measured figures as soon as they exist.
/// </remarks>
public static class RouterSimulation
{
    /// <summary>Simulates the options twice, with the same seed, policy off and on.</summary>
    public static RouterSimulationResult Compare(RouterSimulationOptions options) =>
        new(options, Run(options, policyOn: false), Run(options, policyOn: true));

    /// <summary>Simulates one run.</summary>
    public static RouterSimulationReport Run(RouterSimulationOptions options, bool policyOn)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Simulation(options, policyOn).Execute();
    }

    private enum EventKind { Arrival, Abandon, OfferCheck, ServiceEnd, DialEnd, CallbackRetry }

    private enum CallerState { Waiting, Answered, Abandoned, Callback }

    private enum CallbackOutcome { Pending, Served, Failed }

    private readonly record struct Event(EventKind Kind, Caller? Caller, string? AgentId, bool Answered = false);

    private sealed class Caller(string id, double arrivedAt, bool counted)
    {
        public string Id { get; } = id;
        public double ArrivedAt { get; } = arrivedAt;
        public bool Counted { get; } = counted;
        public CallerState State { get; set; }
        public WaitEstimates? Estimates { get; set; }
        public double? FirstOfferAt { get; set; }
        public double? LastOfferAt { get; set; }
        public int Attempts { get; set; }
        public CallbackOutcome Outcome { get; set; }
    }

    private sealed class Simulation
    {
        private const string Skill = "sim";
        private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private readonly RouterSimulationOptions _o;
        private readonly bool _policyOn;
        // Separate streams, so that policy off and on see the same callers (arrival times and patience).
        private readonly Random _people;
        private readonly Random _handling;
        private readonly Random _choices;
        private readonly PriorityQueue<Event, (double Time, long Sequence)> _events = new();
        private readonly AgentPool _agents = new();
        private readonly RouteSelector _selector;
        private readonly SkillQueue _queue;
        // The live callers of the line only (no virtual places), for the first live caller behind a deferred callback.
        private readonly SkillQueue _live = new(Skill);
        private readonly CallbackPacer? _pacer;
        private bool _abandonTriggerOn;
        private readonly WaitMeter _meter;
        private readonly BestEstimator _estimator = new();
        private readonly OfferPolicy _policy;
        private readonly Dictionary<string, Caller> _callers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, double> _startedAt = new(StringComparer.Ordinal);
        private long _sequence;
        private double _now;
        private int _nextCaller;
        private TimeSpan? _lastAnsweredWait;

        private int _arrivals, _waited, _answered, _abandoned, _answeredWithinTarget, _abandonedAfterTarget;
        private int _offers, _accepted, _served, _failed, _duplicated, _scored;
        private double _answeredWaitSum, _errorSquareSum, _errorAbsoluteSum, _maxWithoutOffer;

        public Simulation(RouterSimulationOptions options, bool policyOn)
        {
            _o = options;
            _policyOn = policyOn;
            _people = new Random(options.Seed);
            _handling = new Random(unchecked(options.Seed * 31 + 1));
            _choices = new Random(unchecked(options.Seed * 31 + 2));
            _selector = new RouteSelector(_agents);
            _queue = _selector.Queue(Skill);
            _meter = new WaitMeter(TimeSpan.FromMinutes(options.MeterWindowMinutes), TimeSpan.FromSeconds(options.ServiceLevelSeconds));
            _policy = new OfferPolicy(options.Offer);
            if (options.PaceCallbacks)
                _pacer = new CallbackPacer(
                    options.CallbackReserveAgents ?? CallbackPacer.SquareRootReserve(options.ArrivalsPerMinute, options.HandleMinutes),
                    options.CallbackMaxDeferralMinutes is { } max ? Span(max) : null);
            for (var i = 0; i < options.Agents; i++)
                _agents.Add(new Agent($"a{i}", [new AgentSkill(Skill, 1)]), Epoch, AgentState.Ready);
        }

        public RouterSimulationReport Execute()
        {
            Schedule(Exponential(_people, _o.ArrivalsPerMinute), new Event(EventKind.Arrival, null, null));
            var stopAt = _o.Drain ? double.PositiveInfinity : _o.Minutes;
            while (_events.TryPeek(out _, out var key) && key.Time <= stopAt)
            {
                var e = _events.Dequeue();
                _now = key.Time;
                switch (e.Kind)
                {
                    case EventKind.Arrival: Arrive(); break;
                    case EventKind.Abandon: Abandon(e.Caller!); break;
                    case EventKind.OfferCheck: CheckOffer(e.Caller!); break;
                    case EventKind.ServiceEnd: EndService(e.AgentId!); break;
                    case EventKind.DialEnd: EndDial(e.Caller!, e.AgentId!, e.Answered); break;
                    case EventKind.CallbackRetry: Retry(e.Caller!); break;
                }
            }
            if (!_o.Drain) _now = Math.Max(_now, _o.Minutes);

            var pending = 0;
            foreach (var caller in _callers.Values)
            {
                if (caller.Counted && caller.State == CallerState.Waiting) NoteWithoutOffer(caller, _now);
                if (caller.State == CallerState.Callback && caller.Outcome == CallbackOutcome.Pending) pending++;
            }
            var serviceLevelBase = _answered + _abandonedAfterTarget;
            return new RouterSimulationReport
            {
                PolicyOn = _policyOn,
                Arrivals = _arrivals,
                Waited = _waited,
                Answered = _answered,
                Abandoned = _abandoned,
                ServiceLevel = serviceLevelBase > 0 ? (double)_answeredWithinTarget / serviceLevelBase : 1,
                AverageSpeedOfAnswer = _answered > 0 ? _answeredWaitSum / _answered : 0,
                EwtRmsError = _scored > 0 ? Math.Sqrt(_errorSquareSum / _scored) : 0,
                EwtMeanAbsoluteError = _scored > 0 ? _errorAbsoluteSum / _scored : 0,
                OffersMade = _offers,
                OffersAccepted = _accepted,
                CallbacksServed = _served,
                CallbacksFailed = _failed,
                CallbacksPending = pending,
                CallbacksDuplicated = _duplicated,
                MaxWaitWithoutOffer = _maxWithoutOffer,
                EndedAtMinutes = _now,
            };
        }

        private void Arrive()
        {
            var next = _now + Exponential(_people, _o.ArrivalsPerMinute);
            var patience = Exponential(_people, 1 / _o.PatienceMinutes);
            if (next < _o.Minutes) Schedule(next, new Event(EventKind.Arrival, null, null));

            var counted = _now >= _o.WarmUpMinutes;
            var caller = new Caller($"c{_nextCaller++}", _now, counted);
            _callers.Add(caller.Id, caller);
            var at = At(_now);
            _meter.Arrived(at);
            if (counted) _arrivals++;

            var mustWait = _live.Count > 0 || _agents.AvailableCount(Skill) == 0 || (_queue.Count > 0 && _pacer is null);
            WaitMeterSnapshot? snapshot = null;
            if (mustWait)
            {
                if (counted) _waited++;
                snapshot = _meter.Snapshot(at);
                caller.Estimates = _estimator.EstimateAll(Context(snapshot, Ahead(_queue.Count, _live.Count)));
            }
            _queue.Enqueue(new QueuedCaller(caller.Id, 0, at));
            _live.Enqueue(new QueuedCaller(caller.Id, 0, at));
            Dispatch();
            if (caller.State != CallerState.Waiting) return;
            if (snapshot is null)
            {
                // An agent looked free, but a callback past its maximum deferral took it first.
                if (counted) _waited++;
                snapshot = _meter.Snapshot(at);
                caller.Estimates = _estimator.EstimateAll(Context(snapshot, Ahead(_queue.PositionOf(caller.Id) ?? 0, _live.PositionOf(caller.Id) ?? 0)));
            }

            Schedule(_now + patience, new Event(EventKind.Abandon, caller, null));
            if (!_policyOn) return;
            var offer = _policy.EvaluateArrival(Offer(snapshot, caller.Estimates!.Best));
            if (offer.Offer) MakeOffer(caller);
            if (caller.State == CallerState.Waiting) ScheduleOfferCheck(caller);
        }

        private void Abandon(Caller caller)
        {
            if (caller.State != CallerState.Waiting) return;
            caller.State = CallerState.Abandoned;
            _queue.TryRemove(caller.Id, out _);
            _live.TryRemove(caller.Id, out _);
            var wait = _now - caller.ArrivedAt;
            _meter.Abandoned(At(_now), Span(wait));
            if (!caller.Counted) return;
            _abandoned++;
            if (wait > _o.ServiceLevelSeconds / 60) _abandonedAfterTarget++;
            NoteWithoutOffer(caller, _now);
        }

        private void CheckOffer(Caller caller)
        {
            if (caller.State != CallerState.Waiting) return;
            var at = At(_now);
            var snapshot = _meter.Snapshot(at);
            var ahead = Ahead(_queue.PositionOf(caller.Id) ?? 0, _live.PositionOf(caller.Id) ?? 0);
            var remaining = _estimator.EstimateAll(Context(snapshot, ahead)).Best;
            var sinceLast = caller.LastOfferAt is { } last ? Since(last) : (TimeSpan?)null;
            var decision = _policy.EvaluateWaiting(Offer(snapshot, remaining), Since(caller.ArrivedAt), sinceLast);
            if (decision.Offer) MakeOffer(caller);
            if (caller.State == CallerState.Waiting) ScheduleOfferCheck(caller);
        }

        // Called right after an arrival or a check: a caller never offered is checked again by the time its wait
        // reaches the target; one who declined, a re-offer interval from now.
        private void ScheduleOfferCheck(Caller caller)
        {
            var every = _o.Offer.ReofferEvery is { } e ? After(_now, e) : (double?)null;
            double? next = caller.FirstOfferAt is null
                ? Min(_o.Offer.WaitTarget is { } target ? After(caller.ArrivedAt, target) : null, every)
                : every;
            if (next is { } t) Schedule(Math.Max(t, _now), new Event(EventKind.OfferCheck, caller, null));
        }

        private void MakeOffer(Caller caller)
        {
            if (caller.Counted && caller.FirstOfferAt is null) NoteWithoutOffer(caller, _now);
            caller.FirstOfferAt ??= _now;
            caller.LastOfferAt = _now;
            if (caller.Counted) _offers++;
            if (_choices.NextDouble() >= _o.AcceptProbability) return;
            caller.State = CallerState.Callback;
            _queue.ConvertToCallback(caller.Id);
            _live.TryRemove(caller.Id, out _);
            _meter.CallbackBooked(At(_now));
            if (caller.Counted) _accepted++;
        }

        private void Dispatch()
        {
            var at = At(_now);
            if (_pacer is null)
            {
                while (_selector.SelectForQueue(Skill, at) is { } decision)
                {
                    _selector.Commit(decision, at);
                    _live.TryRemove(decision.Caller.Id, out _);
                    Serve(_callers[decision.Caller.Id], decision.AgentId);
                }
                return;
            }
            while (_queue.TryPeek(out var head) && _agents.AvailableCount(Skill) > 0)
            {
                // A callback at the head waits for spare agents; meanwhile the first live caller behind it is served.
                var next = head;
                if (head.IsCallback && !_pacer.MayDial(_agents.AvailableCount(Skill), _live.Count, at - head.EnteredAt)
                    && !_live.TryPeek(out next))
                    break;
                if (!_agents.TryGetBest(Skill, out var agentId, out _)) break;
                _queue.TryRemove(next.Id, out _);
                _live.TryRemove(next.Id, out _);
                _agents.Reserve(agentId, at);
                Serve(_callers[next.Id], agentId);
            }
        }

        private void Serve(Caller caller, string agentId)
        {
            if (caller.State == CallerState.Callback) Dial(caller, agentId);
            else Answer(caller, agentId);
        }

        // Places ahead that the estimate counts: with pacing, virtual places ahead are served only from spare agents,
        // so a live caller waits behind the live callers only; without it, behind every place.
        private int Ahead(int places, int live) => _pacer is null ? places : live;

        private void Answer(Caller caller, string agentId)
        {
            caller.State = CallerState.Answered;
            var wait = _now - caller.ArrivedAt;
            _meter.Answered(At(_now), Span(wait));
            _lastAnsweredWait = Span(wait);
            if (caller.Estimates is { } estimates)
            {
                _estimator.RecordAnswered(estimates, Span(wait));
                if (caller.Counted)
                {
                    var error = estimates.Best.TotalMinutes - wait;
                    _errorSquareSum += error * error;
                    _errorAbsoluteSum += Math.Abs(error);
                    _scored++;
                }
            }
            if (caller.Counted)
            {
                _answered++;
                _answeredWaitSum += wait;
                if (wait <= _o.ServiceLevelSeconds / 60) _answeredWithinTarget++;
                NoteWithoutOffer(caller, _now);
            }
            Talk(caller, agentId);
        }

        private void Dial(Caller caller, string agentId)
        {
            if (caller.Outcome != CallbackOutcome.Pending)
            {
                _duplicated++;
                _agents.Release(agentId, At(_now));
                return;
            }
            caller.Attempts++;
            _agents.SetState(agentId, AgentState.Ringing, At(_now));
            _startedAt[agentId] = _now;
            var answered = _choices.NextDouble() < _o.CallbackAnswerProbability;
            Schedule(_now + _o.CallbackRingMinutes, new Event(EventKind.DialEnd, caller, agentId, answered));
        }

        private void EndDial(Caller caller, string agentId, bool answered)
        {
            if (answered)
            {
                Settle(caller, CallbackOutcome.Served);
                Talk(caller, agentId, keepStart: true);
                return;
            }
            _agents.Release(agentId, At(_now));
            if (caller.Attempts >= _o.CallbackMaxAttempts) Settle(caller, CallbackOutcome.Failed);
            else Schedule(_now + caller.Attempts * _o.CallbackRetryMinutes, new Event(EventKind.CallbackRetry, caller, null));
            Dispatch();
        }

        private void Retry(Caller caller)
        {
            _queue.Enqueue(new QueuedCaller(caller.Id, 0, At(caller.ArrivedAt), IsCallback: true));
            Dispatch();
        }

        private void Settle(Caller caller, CallbackOutcome outcome)
        {
            if (caller.Outcome != CallbackOutcome.Pending)
            {
                _duplicated++;
                return;
            }
            caller.Outcome = outcome;
            if (!caller.Counted) return;
            if (outcome == CallbackOutcome.Served) _served++;
            else _failed++;
        }

        private void Talk(Caller caller, string agentId, bool keepStart = false)
        {
            _agents.SetState(agentId, AgentState.Talking, At(_now));
            if (!keepStart) _startedAt[agentId] = _now;
            Schedule(_now + Exponential(_handling, 1 / _o.HandleMinutes), new Event(EventKind.ServiceEnd, caller, agentId));
        }

        private void EndService(string agentId)
        {
            _meter.Handled(At(_now), Span(_now - _startedAt[agentId]));
            _agents.Release(agentId, At(_now));
            Dispatch();
        }

        private WaitContext Context(WaitMeterSnapshot snapshot, int ahead)
        {
            TimeSpan? headWait = _queue.TryPeek(out var head) ? At(_now) - head.EnteredAt : null;
            return new WaitContext(
                CallersAhead: ahead,
                Agents: _agents.StaffedCount(Skill),
                ServiceRate: snapshot.ServiceRate ?? 1 / _o.HandleMinutes,
                PatienceRate: snapshot.PatienceRate ?? 1 / _o.PatienceMinutes,
                AgentFree: _agents.AvailableCount(Skill) > 0,
                HeadOfLineWait: headWait,
                LastEnteredServiceWait: _lastAnsweredWait,
                CallbacksAhead: _pacer is not null ? 0
                    : ahead == _queue.Count ? _queue.CallbackCount : (int)((long)_queue.CallbackCount * ahead / Math.Max(1, _queue.Count)));
        }

        private OfferContext Offer(WaitMeterSnapshot snapshot, TimeSpan expectedWait)
        {
            _abandonTriggerOn = _policy.AbandonTriggerHolds(snapshot.AbandonmentRate, _abandonTriggerOn);
            return new(expectedWait, snapshot.AbandonmentRate, _pacer is null ? _queue.Count : _live.Count,
                snapshot.PatienceRate ?? 1 / _o.PatienceMinutes, _abandonTriggerOn);
        }

        private void NoteWithoutOffer(Caller caller, double until)
        {
            if (caller.FirstOfferAt is { } offered && offered < until) until = offered;
            _maxWithoutOffer = Math.Max(_maxWithoutOffer, until - caller.ArrivedAt);
        }

        private void Schedule(double time, Event e) => _events.Enqueue(e, (time, _sequence++));

        private static double Exponential(Random random, double rate) => -Math.Log(1 - random.NextDouble()) / rate;

        private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

        private static DateTimeOffset At(double minutes) => Epoch.AddTicks((long)Math.Round(minutes * TimeSpan.TicksPerMinute));

        // Times due by a TimeSpan are computed in ticks, so that the policy sees exactly the span it asked for.
        private static double After(double minutes, TimeSpan span) =>
            (At(minutes) + span - Epoch).Ticks / (double)TimeSpan.TicksPerMinute;

        private TimeSpan Since(double minutes) => At(_now) - At(minutes);

        private static TimeSpan Span(double minutes) => TimeSpan.FromTicks((long)Math.Round(minutes * TimeSpan.TicksPerMinute));
    }
}

namespace Ivr.Engine.Routing.External;

/// <summary>
/// Queues that live outside Ivr (a PBX's own queues, watched from its events), as skills beside the router's: callers
/// waiting with their entry times, the members' states, and a <see cref="WaitMeter"/> per queue fed by arrivals,
/// answers and abandons. Read through <see cref="ISkillStatusSource"/> (<c>/api/queues</c>, the dashboard, metrics).
/// Thread-safe; events are stamped with the board's clock when they are reported.
/// </summary>
public sealed class ExternalQueueBoard : ISkillStatusSource
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IWaitEstimator _estimator = new HeadOfLineEstimator();
    private readonly TimeSpan? _window;
    private readonly TimeSpan? _serviceLevel;

    /// <summary>A board on <paramref name="time"/>'s clock, its meters over <paramref name="window"/> with service-level threshold <paramref name="serviceLevel"/> (the <see cref="WaitMeter"/> defaults when null).</summary>
    public ExternalQueueBoard(TimeProvider time, TimeSpan? window = null, TimeSpan? serviceLevel = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _window = window;
        _serviceLevel = serviceLevel;
    }

    /// <summary>A caller entered <paramref name="skill"/>'s queue (having waited <paramref name="waited"/> already, 0 for a new arrival).</summary>
    public void Joined(string skill, string caller, TimeSpan waited)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var queue = Get(skill);
            if (queue.Waiting.TryAdd(caller, now - waited)) queue.Meter.Arrived(now);
        }
    }

    /// <summary>A caller left <paramref name="skill"/>'s queue (answered, abandoned, or sent elsewhere).</summary>
    public void Left(string skill, string caller)
    {
        lock (_gate)
        {
            Get(skill).Waiting.Remove(caller);
        }
    }

    /// <summary>A caller hung up after waiting <paramref name="waited"/> in <paramref name="skill"/>'s queue.</summary>
    public void Abandoned(string skill, string caller, TimeSpan waited)
    {
        lock (_gate)
        {
            var queue = Get(skill);
            queue.Meter.Abandoned(_time.GetUtcNow(), waited);
            queue.Waiting.Remove(caller);
        }
    }

    /// <summary>A caller was answered by a member after waiting <paramref name="waited"/>.</summary>
    public void Answered(string skill, string caller, TimeSpan waited)
    {
        lock (_gate)
        {
            var queue = Get(skill);
            var now = _time.GetUtcNow();
            queue.Meter.Answered(now, waited);
            queue.LastAnsweredWait = waited;
            queue.Waiting.Remove(caller);
        }
    }

    /// <summary>A member of <paramref name="skill"/> finished a call that took <paramref name="handleTime"/>.</summary>
    public void Handled(string skill, TimeSpan handleTime)
    {
        lock (_gate)
        {
            Get(skill).Meter.Handled(_time.GetUtcNow(), handleTime);
        }
    }

    /// <summary>A member of <paramref name="skill"/> is now in <paramref name="state"/>.</summary>
    public void Member(string skill, string member, AgentState state)
    {
        lock (_gate)
        {
            Get(skill).Members[member] = state;
        }
    }

    /// <summary>A member left <paramref name="skill"/>.</summary>
    public void MemberRemoved(string skill, string member)
    {
        lock (_gate)
        {
            Get(skill).Members.Remove(member);
        }
    }

    /// <summary>
    /// Replaces what is known of <paramref name="skill"/>: the callers waiting now with how long each has waited, and the
    /// members' states (after a reconnect: what was learned before may be stale). The meter's history is kept.
    /// </summary>
    public void Resync(string skill, IEnumerable<(string Caller, TimeSpan Waited)> waiting, IEnumerable<(string Member, AgentState State)> members)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(members);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var queue = Get(skill);
            var before = new Dictionary<string, DateTimeOffset>(queue.Waiting, StringComparer.Ordinal);
            queue.Waiting.Clear();
            foreach (var (caller, waited) in waiting)
            {
                // A caller already known keeps its entry time; one that joined while the link was down counts as an arrival.
                if (before.TryGetValue(caller, out var entered)) queue.Waiting[caller] = entered;
                else
                {
                    queue.Waiting[caller] = now - waited;
                    queue.Meter.Arrived(now);
                }
            }
            queue.Members.Clear();
            foreach (var (member, state) in members) queue.Members[member] = state;
        }
    }

    /// <summary>Forgets the skills whose names start with <paramref name="prefix"/> and are not in <paramref name="keep"/> (queues gone from the PBX).</summary>
    public void Retain(string prefix, IReadOnlySet<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        lock (_gate)
        {
            foreach (var name in _queues.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !keep.Contains(k)).ToList()) _queues.Remove(name);
        }
    }

    /// <summary>When <paramref name="caller"/> entered <paramref name="skill"/>'s queue, if it waits there now.</summary>
    public DateTimeOffset? EnteredAt(string skill, string caller)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(skill, out var queue) && queue.Waiting.TryGetValue(caller, out var at) ? at : null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SkillStatus> Snapshot()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var list = new List<SkillStatus>(_queues.Count);
            foreach (var (name, queue) in _queues) list.Add(queue.Status(name, now, _estimator));
            return list;
        }
    }

    private Queue Get(string skill)
    {
        ArgumentException.ThrowIfNullOrEmpty(skill);
        if (!_queues.TryGetValue(skill, out var queue))
        {
            queue = new Queue(new WaitMeter(_window, _serviceLevel));
            _queues.Add(skill, queue);
        }
        return queue;
    }

    private sealed class Queue(WaitMeter meter)
    {
        public WaitMeter Meter { get; } = meter;

        public Dictionary<string, DateTimeOffset> Waiting { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AgentState> Members { get; } = new(StringComparer.Ordinal);

        public TimeSpan? LastAnsweredWait { get; set; }

        public SkillStatus Status(string name, DateTimeOffset now, IWaitEstimator estimator)
        {
            var window = Meter.Snapshot(now);
            var longest = Waiting.Count > 0 ? now - Waiting.Values.Min() : TimeSpan.Zero;
            if (longest < TimeSpan.Zero) longest = TimeSpan.Zero;
            var agents = Enum.GetValues<AgentState>().ToDictionary(s => s, s => Members.Values.Count(m => m == s));
            var serving = Members.Values.Count(s => s != AgentState.Away);
            var expected = estimator.Estimate(new WaitContext(
                CallersAhead: Waiting.Count,
                Agents: serving,
                ServiceRate: window.ServiceRate ?? 0,
                PatienceRate: window.PatienceRate ?? 0,
                AgentFree: agents[AgentState.Ready] > 0,
                HeadOfLineWait: Waiting.Count > 0 ? longest : null,
                LastEnteredServiceWait: LastAnsweredWait));
            return new SkillStatus(name, now, Waiting.Count, longest, expected, agents, window, 0, 0, 0, 0);
        }
    }
}

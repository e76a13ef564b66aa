namespace Ivr.Engine.Routing;

/// <summary>
/// Agents, their states and their ready index: per skill, a sorted set of available agents keyed by (level descending,
/// idle since, join order), so the longest-idle agent at the best level is found in O(log m).
/// </summary>
/// <remarks>
/// An agent is available when it is <see cref="AgentState.Ready"/>, or <see cref="AgentState.Talking"/> below its
/// <see cref="Agent.MaxConcurrent"/>; <see cref="AgentState.Reserved"/> and <see cref="AgentState.Ringing"/> block
/// further offers until the call being set up is settled.
/// </remarks>
public sealed class AgentPool
{
    private readonly Dictionary<string, Entry> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<ReadyKey>> _ready = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _staffed = new(StringComparer.Ordinal);
    private int _ordinal;

    /// <summary>Number of agents known.</summary>
    public int Count => _agents.Count;

    /// <summary>Adds an agent in <paramref name="state"/> (default away, i.e. logged out).</summary>
    /// <exception cref="InvalidOperationException">The id is already known.</exception>
    public void Add(Agent agent, DateTimeOffset now, AgentState state = AgentState.Away)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(agent.MaxConcurrent);
        if (_agents.ContainsKey(agent.Id)) throw new InvalidOperationException($"Agent {agent.Id} is already in the pool.");
        var entry = new Entry(agent, _ordinal++) { State = AgentState.Away, IdleSince = now };
        _agents.Add(agent.Id, entry);
        Move(entry, state, now);
    }

    /// <summary>Removes an agent (it must hold no call); false if unknown.</summary>
    public bool Remove(string agentId, DateTimeOffset now)
    {
        if (!_agents.TryGetValue(agentId, out var entry)) return false;
        Move(entry, AgentState.Away, now);
        _agents.Remove(agentId);
        return true;
    }

    /// <summary>Whether <paramref name="agentId"/> is in the pool.</summary>
    public bool Contains(string agentId) => _agents.ContainsKey(agentId);

    /// <summary>The agent's definition.</summary>
    public Agent Definition(string agentId) => Get(agentId).Agent;

    /// <summary>The agent's state.</summary>
    public AgentState StateOf(string agentId) => Get(agentId).State;

    /// <summary>Calls the agent holds now (reserved, ringing or talking).</summary>
    public int ActiveCalls(string agentId) => Get(agentId).Active;

    /// <summary>Since when the agent has been available, the key for longest-idle routing.</summary>
    public DateTimeOffset IdleSince(string agentId) => Get(agentId).IdleSince;

    /// <summary>Whether the agent may be offered a call now.</summary>
    public bool IsAvailable(string agentId) => Available(Get(agentId));

    /// <summary>Agents with <paramref name="skill"/> who are logged in (any state but away).</summary>
    public int StaffedCount(string skill) => _staffed.GetValueOrDefault(skill);

    /// <summary>Agents with <paramref name="skill"/> available now.</summary>
    public int AvailableCount(string skill) => _ready.TryGetValue(skill, out var set) ? set.Count : 0;

    /// <summary>The longest-idle available agent with <paramref name="skill"/> at the best level.</summary>
    public bool TryGetBest(string skill, out string agentId, out int level)
    {
        if (_ready.TryGetValue(skill, out var set) && set.Count > 0)
        {
            var best = set.Min;
            agentId = best.Entry.Agent.Id;
            level = -best.NegativeLevel;
            return true;
        }
        agentId = "";
        level = 0;
        return false;
    }

    /// <summary>Sets the agent's state (logging in, ringing, talking, wrap-up, away) without changing its call count.</summary>
    public void SetState(string agentId, AgentState state, DateTimeOffset now) => Move(Get(agentId), state, now);

    /// <summary>Takes the agent for a new call: one more active call, state reserved.</summary>
    /// <exception cref="InvalidOperationException">The agent is not available.</exception>
    public void Reserve(string agentId, DateTimeOffset now)
    {
        var entry = Get(agentId);
        if (!Available(entry)) throw new InvalidOperationException($"Agent {agentId} is not available.");
        Move(entry, AgentState.Reserved, now, activeDelta: 1);
    }

    /// <summary>
    /// A call of the agent ended or failed: one fewer active call, then <paramref name="next"/> (ready, wrap-up, or away
    /// after an unanswered offer). An agent still holding other calls stays talking instead of ready.
    /// </summary>
    public void Release(string agentId, DateTimeOffset now, AgentState next = AgentState.Ready)
    {
        var entry = Get(agentId);
        if (entry.Active == 0) throw new InvalidOperationException($"Agent {agentId} holds no call.");
        Move(entry, next == AgentState.Ready && entry.Active > 1 ? AgentState.Talking : next, now, activeDelta: -1);
    }

    private Entry Get(string agentId) =>
        _agents.TryGetValue(agentId, out var entry) ? entry : throw new KeyNotFoundException($"Unknown agent {agentId}.");

    private static bool Available(Entry e) =>
        (e.State == AgentState.Ready || e.State == AgentState.Talking) && e.Active < e.Agent.MaxConcurrent;

    private void Move(Entry entry, AgentState state, DateTimeOffset now, int activeDelta = 0)
    {
        var wasAvailable = Available(entry);
        var wasStaffed = entry.State != AgentState.Away;
        if (wasAvailable) Unindex(entry);
        entry.Active += activeDelta;
        if (state == AgentState.Ready && entry.State != AgentState.Ready) entry.IdleSince = now;
        entry.State = state;
        var isStaffed = state != AgentState.Away;
        if (isStaffed != wasStaffed)
            foreach (var s in entry.Agent.Skills)
                _staffed[s.Skill] = _staffed.GetValueOrDefault(s.Skill) + (isStaffed ? 1 : -1);
        if (Available(entry)) Index(entry);
    }

    private void Index(Entry entry)
    {
        foreach (var s in entry.Agent.Skills)
        {
            if (!_ready.TryGetValue(s.Skill, out var set)) _ready[s.Skill] = set = new SortedSet<ReadyKey>();
            set.Add(new ReadyKey(-s.Level, entry.IdleSince.UtcTicks, entry.Ordinal, entry));
        }
        entry.IndexedAt = entry.IdleSince.UtcTicks;
    }

    private void Unindex(Entry entry)
    {
        foreach (var s in entry.Agent.Skills)
            _ready[s.Skill].Remove(new ReadyKey(-s.Level, entry.IndexedAt, entry.Ordinal, entry));
    }

    private sealed class Entry(Agent agent, int ordinal)
    {
        public Agent Agent { get; } = agent;
        public int Ordinal { get; } = ordinal;
        public AgentState State { get; set; }
        public int Active { get; set; }
        public DateTimeOffset IdleSince { get; set; }
        public long IndexedAt { get; set; }
    }

    private readonly record struct ReadyKey(int NegativeLevel, long IdleTicks, int Ordinal, Entry Entry) : IComparable<ReadyKey>
    {
        public int CompareTo(ReadyKey other)
        {
            var c = NegativeLevel.CompareTo(other.NegativeLevel);
            if (c != 0) return c;
            c = IdleTicks.CompareTo(other.IdleTicks);
            return c != 0 ? c : Ordinal.CompareTo(other.Ordinal);
        }
    }
}

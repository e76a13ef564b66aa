namespace Ivr.Engine.Routing;

/// <summary>
/// Matches waiting callers with agents over the skill lines and the agent pool: the caller at the head of a line goes
/// to the longest-idle available agent with the skill, best level first; after the overflow time it may also go to a
/// second skill's agent. Selecting is read-only; <see cref="Commit"/> applies a decision.
/// </summary>
public sealed class RouteSelector
{
    private readonly Dictionary<string, SkillQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OverflowRule>> _overflowFrom = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OverflowRule>> _overflowTo = new(StringComparer.Ordinal);

    /// <summary>Creates a selector over <paramref name="agents"/> with optional overflow rules.</summary>
    public RouteSelector(AgentPool agents, IEnumerable<OverflowRule>? overflow = null)
    {
        Agents = agents ?? throw new ArgumentNullException(nameof(agents));
        foreach (var rule in overflow ?? [])
        {
            Add(_overflowFrom, rule.FromSkill, rule);
            Add(_overflowTo, rule.ToSkill, rule);
        }
    }

    /// <summary>The agent pool.</summary>
    public AgentPool Agents { get; }

    /// <summary>The line for <paramref name="skill"/>, created empty on first use.</summary>
    public SkillQueue Queue(string skill)
    {
        if (!_queues.TryGetValue(skill, out var queue)) _queues[skill] = queue = new SkillQueue(skill);
        return queue;
    }

    /// <summary>
    /// An agent for <paramref name="skill"/>'s line, or null if the line is empty or nobody can take it: a caller held for an
    /// agent who is available now goes to them first; otherwise the first caller not held for another agent (see
    /// <see cref="FirstOpen"/>) goes to the longest-idle available agent.
    /// </summary>
    public RoutingDecision? SelectForQueue(string skill, DateTimeOffset now)
    {
        if (!_queues.TryGetValue(skill, out var queue)) return null;
        if (HeldForAvailableAgent(skill, now) is { } held) return held;
        if (FirstOpen(skill, now) is not { } head) return null;
        if (Agents.TryGetBest(skill, out var agentId, out var level)) return new(head, skill, agentId, skill, level);
        if (_overflowFrom.TryGetValue(skill, out var rules))
            foreach (var rule in rules)
                if (now - head.EnteredAt >= rule.After && Agents.TryGetBest(rule.ToSkill, out agentId, out level))
                    return new(head, skill, agentId, rule.ToSkill, level);
        return null;
    }

    /// <summary>
    /// The caller an available agent should take: a caller held for this agent first (see <see cref="HeldFor"/>); else,
    /// among the first callers not held for another agent in the lines for its skills (and of lines that overflow to them
    /// and have waited long enough), the highest priority, then the earliest entered, then the agent's best level. Null if
    /// the agent is not available or nobody waits.
    /// </summary>
    public RoutingDecision? SelectForAgent(string agentId, DateTimeOffset now)
    {
        if (!Agents.IsAvailable(agentId)) return null;
        if (HeldFor(agentId, now) is { } held) return held;
        RoutingDecision? best = null;
        foreach (var skill in Agents.Definition(agentId).Skills)
        {
            if (FirstOpen(skill.Skill, now) is { } head)
                best = Better(best, new RoutingDecision(head, skill.Skill, agentId, skill.Skill, skill.Level));
            if (!_overflowTo.TryGetValue(skill.Skill, out var rules)) continue;
            foreach (var rule in rules)
                if (FirstOpen(rule.FromSkill, now) is { } waiting && now - waiting.EnteredAt >= rule.After)
                    best = Better(best, new RoutingDecision(waiting, rule.FromSkill, agentId, skill.Skill, skill.Level));
        }
        return best;
    }

    /// <summary>
    /// Whether <paramref name="place"/> in <paramref name="skill"/>'s line is held for a particular agent now: it has a
    /// preference whose wait has not run out, and that agent is signed in (not away) with the skill. An agent who signed
    /// out no longer holds anyone.
    /// </summary>
    public bool IsHeld(QueuedCaller place, string skill, DateTimeOffset now, out string agentId)
    {
        ArgumentNullException.ThrowIfNull(place);
        agentId = place.Prefer?.AgentId ?? string.Empty;
        return place.Prefer is not null && now < place.PreferredUntil && IsSignedIn(agentId, skill);
    }

    /// <summary>Whether <paramref name="agentId"/> is known, not away, and has <paramref name="skill"/>.</summary>
    public bool IsSignedIn(string agentId, string skill) =>
        Agents.Contains(agentId) && Agents.StateOf(agentId) != AgentState.Away
        && Agents.Definition(agentId).Skills.Any(s => string.Equals(s.Skill, skill, StringComparison.Ordinal));

    /// <summary>
    /// The first place of <paramref name="skill"/>'s line that any agent may take now (not held for a particular agent), and
    /// that <paramref name="accept"/> accepts; null if none. Walks past held places only, so it costs O(held + log n).
    /// </summary>
    public QueuedCaller? FirstOpen(string skill, DateTimeOffset now, Func<QueuedCaller, bool>? accept = null)
    {
        if (!_queues.TryGetValue(skill, out var queue)) return null;
        if (queue.PreferringCount == 0 && accept is null) return queue.TryPeek(out var head) ? head : null;
        foreach (var place in queue.InOrder())
            if (!IsHeld(place, skill, now, out _) && (accept is null || accept(place))) return place;
        return null;
    }

    /// <summary>The best caller (priority, then entry time) held for an agent who is available now in <paramref name="skill"/>'s line, with that agent.</summary>
    public RoutingDecision? HeldForAvailableAgent(string skill, DateTimeOffset now)
    {
        if (!_queues.TryGetValue(skill, out var queue) || queue.PreferringCount == 0) return null;
        RoutingDecision? best = null;
        foreach (var place in queue.Preferring)
            if (IsHeld(place, skill, now, out var agentId) && Agents.IsAvailable(agentId))
                best = Better(best, new RoutingDecision(place, skill, agentId, skill, Level(agentId, skill)));
        return best;
    }

    /// <summary>The best caller (priority, then entry time) held for <paramref name="agentId"/> in the lines of its skills, or null.</summary>
    public RoutingDecision? HeldFor(string agentId, DateTimeOffset now)
    {
        if (!Agents.Contains(agentId)) return null;
        RoutingDecision? best = null;
        foreach (var skill in Agents.Definition(agentId).Skills)
        {
            if (!_queues.TryGetValue(skill.Skill, out var queue) || queue.PreferringCount == 0) continue;
            foreach (var place in queue.Preferring)
                if (place.Prefer!.AgentId == agentId && IsHeld(place, skill.Skill, now, out _))
                    best = Better(best, new RoutingDecision(place, skill.Skill, agentId, skill.Skill, skill.Level));
        }
        return best;
    }

    private int Level(string agentId, string skill)
    {
        foreach (var s in Agents.Definition(agentId).Skills)
            if (string.Equals(s.Skill, skill, StringComparison.Ordinal)) return s.Level;
        return 0;
    }

    /// <summary>Applies a decision: the caller leaves its line and the agent is reserved.</summary>
    /// <exception cref="InvalidOperationException">The caller already left or the agent is no longer available.</exception>
    public void Commit(RoutingDecision decision, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!Agents.IsAvailable(decision.AgentId)) throw new InvalidOperationException($"Agent {decision.AgentId} is not available.");
        if (!Queue(decision.QueueSkill).TryRemove(decision.Caller.Id, out _))
            throw new InvalidOperationException($"Caller {decision.Caller.Id} is no longer in the {decision.QueueSkill} queue.");
        Agents.Reserve(decision.AgentId, now);
    }

    private static RoutingDecision Better(RoutingDecision? current, RoutingDecision candidate)
    {
        if (current is null) return candidate;
        var c = candidate.Caller.Priority.CompareTo(current.Caller.Priority);
        if (c == 0) c = candidate.Caller.EnteredAt.CompareTo(current.Caller.EnteredAt);
        if (c == 0) c = current.AgentLevel.CompareTo(candidate.AgentLevel);
        return c < 0 ? candidate : current;
    }

    private static void Add(Dictionary<string, List<OverflowRule>> map, string key, OverflowRule rule)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(rule);
    }
}

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

    /// <summary>An agent for the head of <paramref name="skill"/>'s line, or null if the line is empty or nobody can take it.</summary>
    public RoutingDecision? SelectForQueue(string skill, DateTimeOffset now)
    {
        if (!_queues.TryGetValue(skill, out var queue) || !queue.TryPeek(out var head)) return null;
        if (Agents.TryGetBest(skill, out var agentId, out var level)) return new(head, skill, agentId, skill, level);
        if (_overflowFrom.TryGetValue(skill, out var rules))
            foreach (var rule in rules)
                if (now - head.EnteredAt >= rule.After && Agents.TryGetBest(rule.ToSkill, out agentId, out level))
                    return new(head, skill, agentId, rule.ToSkill, level);
        return null;
    }

    /// <summary>
    /// The caller an available agent should take: among the heads of the lines for its skills (and of lines that
    /// overflow to them and have waited long enough), the highest priority, then the earliest entered, then the
    /// agent's best level. Null if the agent is not available or nobody waits.
    /// </summary>
    public RoutingDecision? SelectForAgent(string agentId, DateTimeOffset now)
    {
        if (!Agents.IsAvailable(agentId)) return null;
        RoutingDecision? best = null;
        foreach (var skill in Agents.Definition(agentId).Skills)
        {
            if (_queues.TryGetValue(skill.Skill, out var queue) && queue.TryPeek(out var head))
                best = Better(best, new RoutingDecision(head, skill.Skill, agentId, skill.Skill, skill.Level));
            if (!_overflowTo.TryGetValue(skill.Skill, out var rules)) continue;
            foreach (var rule in rules)
                if (_queues.TryGetValue(rule.FromSkill, out var source) && source.TryPeek(out var waiting)
                    && now - waiting.EnteredAt >= rule.After)
                    best = Better(best, new RoutingDecision(waiting, rule.FromSkill, agentId, skill.Skill, skill.Level));
        }
        return best;
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

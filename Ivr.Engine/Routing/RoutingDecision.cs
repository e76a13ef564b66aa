namespace Ivr.Engine.Routing;

/// <summary>A caller (or callback place) matched with an agent.</summary>
/// <param name="Caller">The place taken from the head of its line.</param>
/// <param name="QueueSkill">The skill whose line the caller was in.</param>
/// <param name="AgentId">The agent chosen.</param>
/// <param name="AgentSkill">The agent's skill that matched: differs from <paramref name="QueueSkill"/> on overflow.</param>
/// <param name="AgentLevel">The agent's level in <paramref name="AgentSkill"/>.</param>
public sealed record RoutingDecision(QueuedCaller Caller, string QueueSkill, string AgentId, string AgentSkill, int AgentLevel)
{
    /// <summary>The caller went to a second skill's agent after waiting past the overflow time.</summary>
    public bool Overflowed => !string.Equals(QueueSkill, AgentSkill, StringComparison.Ordinal);
}

namespace Ivr.Engine.Routing;

/// <summary>An agent's definition: who they are, what they can take, and how many calls at once.</summary>
/// <param name="Id">Unique agent id.</param>
/// <param name="Skills">Skills with levels.</param>
/// <param name="MaxConcurrent">Calls the agent may hold at once (1 for voice).</param>
public sealed record Agent(string Id, IReadOnlyList<AgentSkill> Skills, int MaxConcurrent = 1);

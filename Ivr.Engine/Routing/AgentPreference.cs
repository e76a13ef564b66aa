namespace Ivr.Engine.Routing;

/// <summary>
/// A caller to be offered to one agent first (a queue step's <c>preferLastAgent</c>): while that agent is signed in for the
/// skill, the caller is held for them for <paramref name="Wait"/> from entering the line; then any agent may take the caller,
/// who kept their place all along.
/// </summary>
/// <param name="AgentId">The agent (the caller's last agent).</param>
/// <param name="Wait">How long from entering the line the caller is held for that agent.</param>
public sealed record AgentPreference(string AgentId, TimeSpan Wait);

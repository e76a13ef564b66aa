namespace Ivr.Engine.Routing.Configuration;

/// <summary>One agent of <c>agents.json</c>.</summary>
public sealed record AgentConfig
{
    /// <summary>Unique agent id.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>SIP URI the engine calls to deliver a caller.</summary>
    public required string Contact { get; init; }

    /// <summary>Skills with levels.</summary>
    public required IReadOnlyList<AgentSkillConfig> Skills { get; init; }

    /// <summary>Calls the agent may hold at once.</summary>
    public int MaxConcurrent { get; init; } = 1;

    /// <summary>Credentials for registering a softphone with the engine (RFC 3261 §10); null: the agent cannot REGISTER.</summary>
    public AgentSipConfig? Sip { get; init; }

    /// <summary>The routing definition of this agent.</summary>
    public Agent ToAgent() => new(Id, Skills.Select(s => new AgentSkill(s.Skill, s.Level)).ToArray(), MaxConcurrent);
}

namespace Ivr.Engine.Routing.Configuration;

/// <summary>The router's configuration file <c>agents.json</c> (schema: <c>agents.schema.json</c>).</summary>
public sealed record AgentsConfig
{
    /// <summary>Editors' schema reference; ignored.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>Seconds of wrap-up after each call.</summary>
    public double WrapUpSeconds { get; init; }

    /// <summary>Seconds an agent's phone rings before the agent is set away.</summary>
    public double RingTimeoutSeconds { get; init; } = 20;

    /// <summary>The skills.</summary>
    public required IReadOnlyList<SkillConfig> Skills { get; init; }

    /// <summary>The agents.</summary>
    public required IReadOnlyList<AgentConfig> Agents { get; init; }

    /// <summary>The callback dial plan; null: defaults.</summary>
    public DialPlanConfig? DialPlan { get; init; }
}

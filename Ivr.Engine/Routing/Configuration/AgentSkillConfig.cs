namespace Ivr.Engine.Routing.Configuration;

/// <summary>A skill an agent has, with a level 1–10.</summary>
public sealed record AgentSkillConfig
{
    /// <summary>The skill's id.</summary>
    public required string Skill { get; init; }

    /// <summary>Proficiency 1–10; higher levels are offered calls first.</summary>
    public required int Level { get; init; }
}

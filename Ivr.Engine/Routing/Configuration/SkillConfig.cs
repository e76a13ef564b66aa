namespace Ivr.Engine.Routing.Configuration;

/// <summary>One skill (one queue) of <c>agents.json</c>.</summary>
public sealed record SkillConfig
{
    /// <summary>Unique skill id.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>Service-level target T, seconds.</summary>
    public double ServiceLevelSeconds { get; init; } = 20;

    /// <summary>The offer policy; null: never offer.</summary>
    public OfferConfig? Offer { get; init; }
}

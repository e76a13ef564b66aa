namespace Ivr.Flows.Simulation;

/// <summary>What a scenario expects of its call; every field is optional.</summary>
public sealed record ScenarioExpectation
{
    /// <summary>The outcome code (<c>queued:billing</c>, <c>hangup:message-left</c>, <c>waiting:main_menu</c>…).</summary>
    public string? Outcome { get; init; }

    /// <summary>Steps the call must go through (bare names, or <c>flow/step</c> for subflow steps).</summary>
    public IReadOnlyList<string> Visits { get; init; } = [];

    /// <summary>Steps the call must not go through.</summary>
    public IReadOnlyList<string> NotVisits { get; init; } = [];

    /// <summary>Variable values at the end of the call.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>The call's locale at the end.</summary>
    public string? Language { get; init; }
}

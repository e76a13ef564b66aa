namespace Ivr.Flows.Model.Steps;

/// <summary>Runs another flow of the catalog, then continues at <see cref="Next"/> when it returns.</summary>
public sealed record SubflowStep : Step
{
    public override string Kind => "subflow";
    public required string Flow { get; init; }
    public required string Next { get; init; }
    public override IEnumerable<StepLink> Links() => [new("next", Next, Pointer + "/next")];
}

namespace Ivr.Flows.Model.Steps;

/// <summary>Assigns variables (values may interpolate <c>{var}</c>), then goes to <see cref="Next"/>.</summary>
public sealed record SetStep : Step
{
    public override string Kind => "set";
    public required IReadOnlyDictionary<string, string> Values { get; init; }
    public required string Next { get; init; }
    public override IEnumerable<StepLink> Links() => [new("next", Next, Pointer + "/next")];
}

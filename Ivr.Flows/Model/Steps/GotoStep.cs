namespace Ivr.Flows.Model.Steps;

/// <summary>Jumps to another step.</summary>
public sealed record GotoStep : Step
{
    public override string Kind => "goto";
    public required string Target { get; init; }
    public override IEnumerable<StepLink> Links() => [new("goto", Target, Pointer + "/target")];
}

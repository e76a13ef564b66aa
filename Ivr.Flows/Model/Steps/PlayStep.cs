namespace Ivr.Flows.Model.Steps;

/// <summary>Plays a prompt, then goes to <see cref="Next"/>.</summary>
public sealed record PlayStep : Step
{
    public override string Kind => "play";
    public required PromptRef Prompt { get; init; }
    public required string Next { get; init; }
    public bool BargeIn { get; init; } = true;
    public override IEnumerable<StepLink> Links() => [new("next", Next, Pointer + "/next")];
    public override IEnumerable<PromptRef> PromptRefs() => [Prompt];
}

namespace Ivr.Flows.Model.Steps;

/// <summary>Records a voice message after an optional prompt and beep.</summary>
public sealed record MessageStep : Step
{
    public override string Kind => "message";
    public PromptRef? Prompt { get; init; }
    public double MaxLength { get; init; } = 120;
    public bool Beep { get; init; } = true;
    public string? Skill { get; init; }
    public string FinishKey { get; init; } = "#";
    public required string Next { get; init; }
    public override IEnumerable<StepLink> Links() => [new("next", Next, Pointer + "/next")];
    public override IEnumerable<PromptRef> PromptRefs() => Prompt is null ? [] : [Prompt];
}

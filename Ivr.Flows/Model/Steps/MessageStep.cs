namespace Ivr.Flows.Model.Steps;

/// <summary>
/// Records a voice message after an optional prompt and beep. <see cref="OnError"/> is where the flow goes when the message
/// could not be kept (its metadata could not be stored); without it the engine says so and ends the call.
/// </summary>
public sealed record MessageStep : Step
{
    public override string Kind => "message";
    public PromptRef? Prompt { get; init; }
    public double MaxLength { get; init; } = 120;
    public bool Beep { get; init; } = true;
    public string? Skill { get; init; }
    public string FinishKey { get; init; } = "#";
    public required string Next { get; init; }
    public string? OnError { get; init; }

    public override IEnumerable<StepLink> Links() => OnError is null
        ? [new("next", Next, Pointer + "/next")]
        : [new("next", Next, Pointer + "/next"), new("error", OnError, Pointer + "/onError")];
    public override IEnumerable<PromptRef> PromptRefs() => Prompt is null ? [] : [Prompt];
}

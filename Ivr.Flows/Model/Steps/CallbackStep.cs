namespace Ivr.Flows.Model.Steps;

/// <summary>Confirms (or asks for) the number to call back, then asks the host to book the callback.</summary>
public sealed record CallbackStep : Step
{
    public override string Kind => "callback";
    public PromptRef? Prompt { get; init; }
    public string? Skill { get; init; }
    public bool AllowOtherNumber { get; init; } = true;
    public PromptRef? NumberPrompt { get; init; }
    public int MaxRetries { get; init; } = 3;
    public required string Next { get; init; }
    public required string OnDeclined { get; init; }

    public override IEnumerable<StepLink> Links() =>
        [new("booked", Next, Pointer + "/next"), new("declined", OnDeclined, Pointer + "/onDeclined")];

    public override IEnumerable<PromptRef> PromptRefs()
    {
        if (Prompt is not null) yield return Prompt;
        if (NumberPrompt is not null) yield return NumberPrompt;
    }
}

namespace Ivr.Flows.Model.Steps;

/// <summary>Plays an optional goodbye, then hangs up.</summary>
public sealed record HangupStep : Step
{
    public override string Kind => "hangup";
    public PromptRef? Prompt { get; init; }
    public string Reason { get; init; } = "normal";
    public override IEnumerable<StepLink> Links() => [];
    public override IEnumerable<PromptRef> PromptRefs() => Prompt is null ? [] : [Prompt];
    public override bool IsTerminal => true;
}

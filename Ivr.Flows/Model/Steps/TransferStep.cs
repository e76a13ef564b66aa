namespace Ivr.Flows.Model.Steps;

/// <summary>How a transfer is carried out.</summary>
public enum TransferMethod
{
    /// <summary>RFC 3515 REFER: the caller's phone calls the target.</summary>
    Refer,
    /// <summary>The engine calls the target and bridges media.</summary>
    Bridge,
}

/// <summary>Transfers the call to a SIP URI.</summary>
public sealed record TransferStep : Step
{
    public override string Kind => "transfer";
    public required string To { get; init; }
    public TransferMethod Method { get; init; } = TransferMethod.Refer;
    public PromptRef? Prompt { get; init; }
    public required string OnFailure { get; init; }
    public override IEnumerable<StepLink> Links() => [new("failure", OnFailure, Pointer + "/onFailure")];
    public override IEnumerable<PromptRef> PromptRefs() => Prompt is null ? [] : [Prompt];
}

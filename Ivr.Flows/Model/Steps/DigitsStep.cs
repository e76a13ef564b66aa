namespace Ivr.Flows.Model.Steps;

/// <summary>Collects between <see cref="Min"/> and <see cref="Max"/> DTMF digits into <see cref="Variable"/>.</summary>
public sealed record DigitsStep : Step
{
    public override string Kind => "digits";
    public required PromptRef Prompt { get; init; }
    public required string Variable { get; init; }
    public int Min { get; init; } = 1;
    public required int Max { get; init; }
    /// <summary>Key that ends input early; empty for none.</summary>
    public string Terminator { get; init; } = "#";
    public double Timeout { get; init; } = 5;
    public double InterDigitTimeout { get; init; } = 3;
    public string? Pattern { get; init; }
    public int MaxRetries { get; init; } = 3;
    public IReadOnlyList<PromptRef> NoInput { get; init; } = [];
    public IReadOnlyList<PromptRef> NoMatch { get; init; } = [];
    public required string Next { get; init; }
    public required string OnExhausted { get; init; }
    public bool BargeIn { get; init; } = true;

    public override IEnumerable<StepLink> Links() =>
        [new("next", Next, Pointer + "/next"), new("onExhausted", OnExhausted, Pointer + "/onExhausted")];

    public override IEnumerable<PromptRef> PromptRefs() => [Prompt, .. NoInput, .. NoMatch];
}

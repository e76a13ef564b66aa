namespace Ivr.Flows.Model.Steps;

/// <summary>Plays a prompt and waits for a DTMF key or a spoken phrase; retries are declarative.</summary>
public sealed record MenuStep : Step
{
    public override string Kind => "menu";
    public required PromptRef Prompt { get; init; }
    public required IReadOnlyList<MenuChoice> Choices { get; init; }
    public double Timeout { get; init; } = 5;
    public int MaxRetries { get; init; } = 3;
    public IReadOnlyList<PromptRef> NoInput { get; init; } = [];
    public IReadOnlyList<PromptRef> NoMatch { get; init; } = [];
    public required string OnExhausted { get; init; }
    public bool BargeIn { get; init; } = true;
    public bool Speech { get; init; } = true;
    public double MinConfidence { get; init; } = 0.5;
    public bool Reprompt { get; init; } = true;

    public override IEnumerable<StepLink> Links()
    {
        foreach (var c in Choices) yield return new(c.Label, c.Next, c.Pointer + "/next");
        yield return new("onExhausted", OnExhausted, Pointer + "/onExhausted");
    }

    public override IEnumerable<PromptRef> PromptRefs() => [Prompt, .. NoInput, .. NoMatch];
}

/// <summary>One menu choice: DTMF keys and/or phrases (per locale; <c>"*"</c> = every locale).</summary>
public sealed record MenuChoice(
    IReadOnlyList<string> Keys,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Phrases,
    string Next,
    string? Language,
    IReadOnlyDictionary<string, string> Set,
    string Pointer)
{
    /// <summary>Short label for graphs: keys and the first phrase, e.g. <c>1/billing</c>.</summary>
    public string Label
    {
        get
        {
            var first = Phrases.Values.SelectMany(p => p).FirstOrDefault();
            var keys = string.Join(",", Keys);
            return first is null ? keys : keys.Length == 0 ? first : $"{keys}/{first}";
        }
    }

    /// <summary>Phrases for a locale: its own plus those for every locale.</summary>
    public IEnumerable<string> PhrasesFor(string locale)
    {
        if (Phrases.TryGetValue("*", out var all)) foreach (var p in all) yield return p;
        if (Phrases.TryGetValue(locale, out var own)) foreach (var p in own) yield return p;
    }
}

namespace Ivr.Flows.Model.Steps;

/// <summary>
/// Asks one or two satisfaction questions, each answered 1–5 by key or by voice; a question that gets no usable answer after
/// its retries is skipped (stored as unanswered), then the thank-you prompt plays and the flow goes to <c>next</c>.
/// </summary>
public sealed record SurveyStep : Step
{
    /// <summary>The most questions a survey asks (<c>survey.q1</c>, <c>survey.q2</c>).</summary>
    public const int MaxQuestions = 2;

    public override string Kind => "survey";

    /// <summary>The questions' prompts, in order (one or two).</summary>
    public required IReadOnlyList<PromptRef> Questions { get; init; }

    /// <summary>The thank-you prompt played once every question was answered or skipped.</summary>
    public required PromptRef Thanks { get; init; }

    public required string Next { get; init; }

    public double Timeout { get; init; } = 5;

    /// <summary>Failed attempts per question before it is skipped (default 2: one re-prompt, then skip).</summary>
    public int MaxRetries { get; init; } = 2;

    public IReadOnlyList<PromptRef> NoInput { get; init; } = [];
    public IReadOnlyList<PromptRef> NoMatch { get; init; } = [];
    public bool Speech { get; init; } = true;
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>Spoken words for the scores 1 to 5, per locale (five phrases each); English words are built in for <c>en-*</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Phrases { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public override IEnumerable<StepLink> Links() => [new("next", Next, Pointer + "/next")];

    public override IEnumerable<PromptRef> PromptRefs() => [.. Questions, Thanks, .. NoInput, .. NoMatch];

    /// <summary>The variable that holds the answer to question <paramref name="index"/> (0-based): <c>survey.q1</c>, <c>survey.q2</c>.</summary>
    public static string VariableOf(int index) => "survey.q" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

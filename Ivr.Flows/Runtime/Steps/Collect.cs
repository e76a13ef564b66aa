namespace Ivr.Flows.Runtime.Steps;

/// <summary>Shared prompt/listen/retry mechanics of the steps that collect input (menu, digits): the "Retries" section of
/// the flow format.</summary>
internal sealed class CollectPlan
{
    public required PromptPlan Prompt { get; init; }
    public required PromptPlan[] NoInput { get; init; }
    public required PromptPlan[] NoMatch { get; init; }
    public required int MaxRetries { get; init; }
    public required bool Reprompt { get; init; }
    public required bool BargeIn { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required int ExhaustedEdge { get; init; }
}

/// <summary>Phases of a collecting step, stored in <see cref="FlowRun.Phase"/>.</summary>
internal static class Collect
{
    public const byte Prompting = 0;
    public const byte Listening = 1;

    /// <summary>Plays the main prompt (or goes straight to listening when it is empty).</summary>
    public static void Begin(FlowRun run, CollectPlan plan, IReadOnlyList<string> phrases, double minConfidence)
    {
        run.Phase = Prompting;
        if (!run.Play(plan.Prompt.Resolve(run.Locale, run.Values), plan.BargeIn, phrases, minConfidence)) StartListening(run, plan, phrases, minConfidence);
    }

    public static void StartListening(FlowRun run, CollectPlan plan, IReadOnlyList<string> phrases, double minConfidence)
    {
        run.Phase = Listening;
        run.Listen(phrases, minConfidence);
        run.StartTimer(plan.Timeout);
    }

    /// <summary>Whether input arriving now is taken: while listening, or during the prompt when barge-in is on (which stops it).</summary>
    public static bool Accepts(FlowRun run, CollectPlan plan)
    {
        if (run.Phase == Listening) return true;
        if (run.Phase != Prompting || !plan.BargeIn) return false;
        run.StopPlayback();
        return true;
    }

    /// <summary>Counts a no-input or no-match: goes to <c>onExhausted</c> after <c>maxRetries</c> failures, else plays
    /// the escalating prompt for this attempt (the last one repeats), then the main prompt when <c>reprompt</c>.</summary>
    public static void Fail(FlowRun run, CollectPlan plan, bool noMatch, IReadOnlyList<string> phrases, double minConfidence)
    {
        run.StopPlayback();
        run.StopListening();
        run.CancelTimer();
        run.ClearDigits();
        var attempt = ++run.Failures;
        run.Observer?.AttemptFailed(run, run.State, noMatch, attempt);
        if (attempt >= plan.MaxRetries)
        {
            run.Go(plan.ExhaustedEdge);
            return;
        }
        var list = noMatch ? plan.NoMatch : plan.NoInput;
        var locale = run.Locale;
        var prompts = list.Length == 0 ? PromptPlan.Empty : list[Math.Min(attempt, list.Length) - 1].Resolve(locale, run.Values);
        if (plan.Reprompt || prompts.Count == 0) prompts = PromptPlan.Concat(prompts, plan.Prompt.Resolve(locale, run.Values));
        run.Phase = Prompting;
        if (!run.Play(prompts, plan.BargeIn, phrases, minConfidence)) StartListening(run, plan, phrases, minConfidence);
    }

    /// <summary>Index of a DTMF key in a 16-entry key table, or -1.</summary>
    public static int KeyIndex(char key) => key switch
    {
        >= '0' and <= '9' => key - '0',
        '*' => 10,
        '#' => 11,
        >= 'A' and <= 'D' => 12 + key - 'A',
        >= 'a' and <= 'd' => 12 + key - 'a',
        _ => -1,
    };
}

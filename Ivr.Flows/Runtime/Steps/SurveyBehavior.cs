using System.Collections.ObjectModel;
using System.Globalization;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>
/// Asks each question in turn: a key <c>1</c>–<c>5</c> or a spoken score (the step's phrases for the call's locale; English
/// words built in for <c>en-*</c>) answers it; a no-input or no-match is retried like a menu's, and after <c>maxRetries</c>
/// failed attempts the question is skipped (unanswered, never a score). Answers go to <c>survey.q1</c>/<c>survey.q2</c> and,
/// as <see cref="SurveyEffect"/>s, to the host; then the thank-you prompt plays and the run goes to <c>next</c>.
/// </summary>
internal sealed class SurveyBehavior : StepBehavior<SurveyStep, SurveyBehavior.Plan>
{
    /// <summary>The spoken scores built in for English locales, 1 to 5.</summary>
    internal static readonly IReadOnlyList<string> EnglishScores = ["one", "two", "three", "four", "five"];

    // Phases: Collect.Prompting and Collect.Listening while a question is asked, then Thanking.
    private const byte Thanking = 2;

    public override string Kind => "survey";

    protected override Plan Build(SurveyStep step, FlowCompileContext ctx)
    {
        var noInput = step.NoInput.Select(p => PromptPlan.Compile(p, ctx)).ToArray();
        var noMatch = step.NoMatch.Select(p => PromptPlan.Compile(p, ctx)).ToArray();
        var questions = step.Questions.Select(q => new CollectPlan
        {
            Prompt = PromptPlan.Compile(q, ctx),
            NoInput = noInput,
            NoMatch = noMatch,
            MaxRetries = step.MaxRetries,
            Reprompt = true,
            BargeIn = true,
            Timeout = TimeSpan.FromSeconds(step.Timeout),
            ExhaustedEdge = -1,
        }).ToArray();

        var scores = new Dictionary<string, int>[ctx.Languages.Count];
        var lists = new ReadOnlyCollection<string>[ctx.Languages.Count];
        for (var l = 0; l < ctx.Languages.Count; l++)
        {
            var words = PhrasesFor(step, ctx.Languages[l]);
            var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < words.Count; i++)
            {
                var word = words[i].Trim();
                if (word.Length > 0) map.TryAdd(word, i + 1);
            }
            scores[l] = map;
            lists[l] = Array.AsReadOnly(step.Speech ? map.Keys.ToArray() : []);
        }
        var slots = Enumerable.Range(0, step.Questions.Count).Select(i => ctx.Variables.Slot(SurveyStep.VariableOf(i))).ToArray();
        return new Plan(questions, PromptPlan.Compile(step.Thanks, ctx), slots, scores, lists, step.Speech, step.MinConfidence);
    }

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        foreach (var slot in plan.Slots) run.SetValue(slot, string.Empty);
        run.Emit(new SurveyEffect(step.Name, Scores(run, plan), Finished: false));
        Ask(run, plan);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Phase == Thanking) run.Go(0);
        else if (run.Phase == Collect.Prompting) Collect.StartListening(run, plan.Questions[run.Item], plan.PhraseLists[run.Locale], plan.MinConfidence);
    }

    public override void TimerExpired(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Phase == Collect.Listening) Failed(run, step, plan, noMatch: false);
    }

    public override void Digit(FlowRun run, CompiledStep step, char key)
    {
        var plan = PlanOf(step);
        if (run.Phase == Thanking || !Collect.Accepts(run, plan.Questions[run.Item])) return;
        Answer(run, step, plan, key is >= '1' and <= '5' ? key - '0' : 0);
    }

    public override void Heard(FlowRun run, CompiledStep step, string text, double confidence)
    {
        var plan = PlanOf(step);
        if (!plan.Speech || run.Phase == Thanking || !Collect.Accepts(run, plan.Questions[run.Item])) return;
        var score = confidence >= plan.MinConfidence && plan.Scores[run.Locale].TryGetValue(text.Trim(), out var s) ? s : 0;
        Answer(run, step, plan, score);
    }

    /// <summary>The phrases for scores 1–5 in <paramref name="locale"/>: the step's own, else English words for <c>en-*</c>, else none.</summary>
    internal static IReadOnlyList<string> PhrasesFor(SurveyStep step, string locale)
    {
        if (step.Phrases.TryGetValue(locale, out var own)) return own;
        if (step.Phrases.TryGetValue("*", out var all)) return all;
        return locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? EnglishScores : [];
    }

    private static void Ask(FlowRun run, Plan plan)
    {
        if (run.Item >= plan.Questions.Length)
        {
            run.Emit(new SurveyEffect(run.State.Name, Scores(run, plan), Finished: true));
            run.Phase = Thanking;
            run.Await(FlowWait.Prompt);
            if (!run.Play(plan.Thanks.Resolve(run.Locale, run.Values), bargeIn: false)) run.Go(0);
            return;
        }
        run.Failures = 0;
        Collect.Begin(run, plan.Questions[run.Item], plan.PhraseLists[run.Locale], plan.MinConfidence);
    }

    private static void Answer(FlowRun run, CompiledStep step, Plan plan, int score)
    {
        if (score == 0)
        {
            Failed(run, step, plan, noMatch: true);
            return;
        }
        run.StopPlayback();
        run.StopListening();
        run.CancelTimer();
        run.SetValue(plan.Slots[run.Item], score.ToString(CultureInfo.InvariantCulture));
        Next(run, step, plan);
    }

    /// <summary>A failed attempt: retried like a menu's until <c>maxRetries</c>, then the question is skipped.</summary>
    private static void Failed(FlowRun run, CompiledStep step, Plan plan, bool noMatch)
    {
        var question = plan.Questions[run.Item];
        if (run.Failures + 1 < question.MaxRetries)
        {
            Collect.Fail(run, question, noMatch, plan.PhraseLists[run.Locale], plan.MinConfidence);
            return;
        }
        run.StopPlayback();
        run.StopListening();
        run.CancelTimer();
        run.ClearDigits();
        run.Observer?.AttemptFailed(run, step, noMatch, ++run.Failures);
        Next(run, step, plan);
    }

    private static void Next(FlowRun run, CompiledStep step, Plan plan)
    {
        run.Item++;
        if (run.Item < plan.Questions.Length) run.Emit(new SurveyEffect(step.Name, Scores(run, plan), Finished: false));
        Ask(run, plan);
    }

    private static int?[] Scores(FlowRun run, Plan plan) =>
        [.. plan.Slots.Select(slot => int.TryParse(run.Values[slot], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 5 ? s : (int?)null)];

    internal sealed record Plan(
        CollectPlan[] Questions,
        PromptPlan Thanks,
        int[] Slots,
        Dictionary<string, int>[] Scores,
        ReadOnlyCollection<string>[] PhraseLists,
        bool Speech,
        double MinConfidence);
}

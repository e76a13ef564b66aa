using System.Text.RegularExpressions;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Collects DTMF digits into a variable: first-digit timeout, then the inter-digit timeout once the caller starts
/// typing; the terminator ends early, reaching <c>max</c> ends; fewer than <c>min</c> or a <c>pattern</c> mismatch is a
/// no-match.</summary>
internal sealed class DigitsBehavior : StepBehavior<DigitsStep, DigitsBehavior.Plan>
{
    private static readonly IReadOnlyList<string> NoPhrases = Array.AsReadOnly(Array.Empty<string>());

    public override string Kind => "digits";

    protected override Plan Build(DigitsStep step, FlowCompileContext ctx) => new(
        new CollectPlan
        {
            Prompt = PromptPlan.Compile(step.Prompt, ctx),
            NoInput = [.. step.NoInput.Select(p => PromptPlan.Compile(p, ctx))],
            NoMatch = [.. step.NoMatch.Select(p => PromptPlan.Compile(p, ctx))],
            MaxRetries = step.MaxRetries,
            Reprompt = true,
            BargeIn = step.BargeIn,
            Timeout = TimeSpan.FromSeconds(step.Timeout),
            ExhaustedEdge = 1,
        },
        ctx.Variables.Slot(step.Variable),
        Math.Max(0, step.Min),
        Math.Max(1, step.Max),
        step.Terminator.Length == 1 ? step.Terminator[0] : '\0',
        TimeSpan.FromSeconds(step.InterDigitTimeout),
        step.Pattern is null ? null : ctx.Regex(step.Pattern, true, step.Pointer + "/pattern"));

    public override void Enter(FlowRun run, CompiledStep step) => Collect.Begin(run, PlanOf(step).Collect, NoPhrases, 0);

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        if (run.Phase == Collect.Prompting) Collect.StartListening(run, PlanOf(step).Collect, NoPhrases, 0);
    }

    public override void TimerExpired(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Phase != Collect.Listening) return;
        if (run.DigitCount == 0) Collect.Fail(run, plan.Collect, false, NoPhrases, 0);
        else Finish(run, plan);
    }

    public override void Digit(FlowRun run, CompiledStep step, char key)
    {
        var plan = PlanOf(step);
        if (Collect.KeyIndex(key) < 0) return;
        var bargedIn = run.Phase == Collect.Prompting;
        if (!Collect.Accepts(run, plan.Collect)) return;
        if (bargedIn)
        {
            run.Phase = Collect.Listening;
            run.Listen(NoPhrases, 0);
        }
        if (plan.Terminator != '\0' && key == plan.Terminator)
        {
            Finish(run, plan);
            return;
        }
        run.AppendDigit(key);
        if (run.DigitCount >= plan.Max)
        {
            Finish(run, plan);
            return;
        }
        run.StartTimer(plan.InterDigit);
    }

    private static void Finish(FlowRun run, Plan plan)
    {
        if (run.DigitCount < plan.Min)
        {
            Collect.Fail(run, plan.Collect, true, NoPhrases, 0);
            return;
        }
        var digits = run.TakeDigits();
        if (plan.Pattern is not null && !CompiledCondition.SafeMatch(plan.Pattern, digits))
        {
            Collect.Fail(run, plan.Collect, true, NoPhrases, 0);
            return;
        }
        run.CancelTimer();
        run.StopListening();
        run.SetValue(plan.Slot, digits);
        run.Go(0);
    }

    internal sealed record Plan(CollectPlan Collect, int Slot, int Min, int Max, char Terminator, TimeSpan InterDigit, Regex? Pattern);
}

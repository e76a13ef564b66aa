using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Plays the optional goodbye (no barge-in), then hangs up; the outcome is <c>hangup:&lt;reason&gt;</c>.</summary>
internal sealed class HangupBehavior : StepBehavior<HangupStep, HangupBehavior.Plan>
{
    public override string Kind => "hangup";

    protected override Plan Build(HangupStep step, FlowCompileContext ctx) =>
        new(PromptPlan.CompileOptional(step.Prompt, ctx), step.Reason, "hangup:" + step.Reason);

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        run.Await(FlowWait.Prompt);
        if (plan.Prompt is null || !run.Play(plan.Prompt.Resolve(run.Locale, run.Values), false)) run.End(plan.Outcome, plan.Reason);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        run.End(plan.Outcome, plan.Reason);
    }

    internal sealed record Plan(PromptPlan? Prompt, string Reason, string Outcome);
}

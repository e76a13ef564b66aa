using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Plays the optional prompt, then asks the host to transfer; success ends the run (<c>transferred</c>), failure
/// leaves through <c>onFailure</c>.</summary>
internal sealed class TransferBehavior : StepBehavior<TransferStep, TransferBehavior.Plan>
{
    private const byte Announcing = 0;
    private const byte Transferring = 1;

    public override string Kind => "transfer";

    protected override Plan Build(TransferStep step, FlowCompileContext ctx) =>
        new(Template.Parse(step.To, ctx.Variables), step.Method, PromptPlan.CompileOptional(step.Prompt, ctx));

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        run.Await(FlowWait.Prompt);
        if (plan.Prompt is null || !run.Play(plan.Prompt.Resolve(run.Locale, run.Values), false)) Transfer(run, plan);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        if (run.Phase == Announcing) Transfer(run, PlanOf(step));
    }

    public override void TransferResult(FlowRun run, CompiledStep step, bool ok)
    {
        if (run.Phase != Transferring) return;
        if (ok) run.End(FlowOutcome.Transferred, null);
        else run.Go(0);
    }

    private static void Transfer(FlowRun run, Plan plan)
    {
        run.Phase = Transferring;
        run.Await(FlowWait.Transfer);
        run.Emit(new TransferEffect(plan.To.Render(run.Values), plan.Method));
    }

    internal sealed record Plan(Template To, TransferMethod Method, PromptPlan? Prompt);
}

using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Plays a prompt, then goes to <c>next</c>; with barge-in a key skips the rest of the prompt.</summary>
internal sealed class PlayBehavior : StepBehavior<PlayStep, PlayBehavior.Plan>
{
    public override string Kind => "play";

    protected override Plan Build(PlayStep step, FlowCompileContext ctx) => new(PromptPlan.Compile(step.Prompt, ctx), step.BargeIn);

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        run.Await(FlowWait.Prompt);
        if (!run.Play(plan.Prompt.Resolve(run.Locale, run.Values), plan.BargeIn)) run.Go(0);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step) => run.Go(0);

    public override void Digit(FlowRun run, CompiledStep step, char key)
    {
        if (!PlanOf(step).BargeIn || !run.Playing) return;
        run.StopPlayback();
        run.Go(0);
    }

    internal sealed record Plan(PromptPlan Prompt, bool BargeIn);
}

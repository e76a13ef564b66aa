using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>
/// Plays the optional prompt, then asks the host to record; the recording's path goes into <c>message.path</c>. A message
/// the host could not keep takes <c>onError</c>, or without one ends the run as <see cref="FlowOutcome.MessageNotKept"/>
/// with a hangup (the host says why first): the flow's <c>next</c>, usually a confirmation, is never reached.
/// </summary>
internal sealed class MessageBehavior : StepBehavior<MessageStep, MessageBehavior.Plan>
{
    private const byte Announcing = 0;
    private const byte Recording = 1;

    public override string Kind => "message";

    protected override Plan Build(MessageStep step, FlowCompileContext ctx) => new(
        PromptPlan.CompileOptional(step.Prompt, ctx),
        new RecordEffect(TimeSpan.FromSeconds(step.MaxLength), step.Beep, step.FinishKey, step.Skill),
        step.OnError is not null);

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        run.Await(FlowWait.Prompt);
        if (plan.Prompt is null || !run.Play(plan.Prompt.Resolve(run.Locale, run.Values), false)) Record(run, plan);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        if (run.Phase == Announcing) Record(run, PlanOf(step));
    }

    public override void RecordingFinished(FlowRun run, CompiledStep step, string path, double seconds)
    {
        if (run.Phase != Recording) return;
        run.SetValue(VariableTable.MessagePath, path);
        run.Go(0);
    }

    public override void RecordingFailed(FlowRun run, CompiledStep step, string reason)
    {
        if (run.Phase != Recording) return;
        if (PlanOf(step).HasErrorPath) run.Go(1);
        else run.End(FlowOutcome.MessageNotKept, FlowOutcome.MessageNotKept);
    }

    private static void Record(FlowRun run, Plan plan)
    {
        run.Phase = Recording;
        run.Await(FlowWait.Recording);
        run.Emit(plan.Record);
    }

    internal sealed record Plan(PromptPlan? Prompt, RecordEffect Record, bool HasErrorPath);
}

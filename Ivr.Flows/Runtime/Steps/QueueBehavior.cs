using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Asks the host to queue the caller, then waits: connected ends the run (<c>connected:&lt;skill&gt;</c>); callback,
/// message and failure leave through their edges. Offer keys, announcements, overflow and maxWait are the host's to run.</summary>
internal sealed class QueueBehavior : StepBehavior<QueueStep, QueueBehavior.Plan>
{
    public override string Kind => "queue";

    protected override Plan Build(QueueStep step, FlowCompileContext ctx) => new(
        step,
        PromptPlan.CompileOptional(step.Hold, ctx),
        PromptPlan.CompileOptional(step.Offer?.Prompt, ctx),
        step.MaxWait is { } s ? TimeSpan.FromSeconds(s) : null,
        "connected:" + step.Skill);

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        var s = plan.Step;
        var locale = run.Locale;
        run.Await(FlowWait.Queue);
        run.Emit(new EnqueueEffect(
            s.Skill,
            s.Priority,
            s.Offer,
            s.Announce,
            plan.Hold?.Resolve(locale, run.Values) ?? PromptPlan.Empty,
            plan.OfferPrompt?.Resolve(locale, run.Values) ?? PromptPlan.Empty,
            s.Overflow,
            plan.MaxWait) { PreferAgent = PreferredAgent.For(s.PreferLastAgent, run.Values), ForAgent = s.ForAgent });
    }

    public override void QueueResult(FlowRun run, CompiledStep step, QueueOutcome outcome)
    {
        switch (outcome)
        {
            case QueueOutcome.Connected:
                run.End(PlanOf(step).Outcome, null);
                break;
            case QueueOutcome.Callback:
                run.Go(0);
                break;
            case QueueOutcome.Message:
                run.Go(1);
                break;
            case QueueOutcome.Failed:
                run.Go(2);
                break;
        }
    }

    internal sealed record Plan(QueueStep Step, PromptPlan? Hold, PromptPlan? OfferPrompt, TimeSpan? MaxWait, string Outcome);
}

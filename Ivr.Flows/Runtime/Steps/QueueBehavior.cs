using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Asks the host to queue the caller, then waits: connected ends the run (<c>connected:&lt;skill&gt;</c>) unless the
/// step has <c>afterAgent</c>, where the run waits for the agent to hang up first (<see cref="FlowWait.Agent"/>) and goes on
/// there; callback, message and failure leave through their edges. Offer keys, announcements, overflow and maxWait are the host's.</summary>
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
                Connected(run, PlanOf(step));
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

    public override void AgentLeft(FlowRun run, CompiledStep step)
    {
        if (run.Phase != Talking) return;
        run.HangupOutcome = null;
        run.Go(AfterAgentEdge);
    }

    private static void Connected(FlowRun run, Plan plan)
    {
        if (plan.Step.AfterAgent is null)
        {
            run.End(plan.Outcome, null);
            return;
        }
        // The call lives on bridged; a caller's hang-up now is the same outcome as a run that ended at the connection.
        run.Phase = Talking;
        run.HangupOutcome = plan.Outcome;
        run.Await(FlowWait.Agent);
    }

    private const byte Talking = 1;

    // Links(): callback, message, failure, then afterAgent.
    private const int AfterAgentEdge = 3;

    internal sealed record Plan(QueueStep Step, PromptPlan? Hold, PromptPlan? OfferPrompt, TimeSpan? MaxWait, string Outcome);
}

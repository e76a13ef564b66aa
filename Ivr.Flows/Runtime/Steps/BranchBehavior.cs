using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Goes to the first case whose condition holds (calendars read the injected clock), else to <c>else</c>.</summary>
internal sealed class BranchBehavior : StepBehavior<BranchStep, CompiledCondition[]>
{
    public override string Kind => "branch";

    protected override CompiledCondition[] Build(BranchStep step, FlowCompileContext ctx) =>
        [.. step.Conditions.Select(c => CompiledCondition.Compile(c.When, ctx))];

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var cases = PlanOf(step);
        for (var i = 0; i < cases.Length; i++)
        {
            if (cases[i].Evaluate(run.Values, run.Time))
            {
                run.Go(i);
                return;
            }
        }
        run.Go(cases.Length);
    }
}

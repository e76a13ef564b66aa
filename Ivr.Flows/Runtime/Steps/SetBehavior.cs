using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Assigns variables from templates (all rendered before any is assigned), then goes to <c>next</c>.</summary>
internal sealed class SetBehavior : StepBehavior<SetStep, SetBehavior.Assignment[]>
{
    public override string Kind => "set";

    protected override Assignment[] Build(SetStep step, FlowCompileContext ctx) =>
        [.. step.Values.Select(kv => new Assignment(ctx.Variables.Slot(kv.Key), Template.Parse(kv.Value, ctx.Variables)))];

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var assignments = PlanOf(step);
        if (assignments.Length == 1)
        {
            run.SetValue(assignments[0].Slot, assignments[0].Value.Render(run.Values));
        }
        else
        {
            var rendered = new string[assignments.Length];
            for (var i = 0; i < assignments.Length; i++) rendered[i] = assignments[i].Value.Render(run.Values);
            for (var i = 0; i < assignments.Length; i++) run.SetValue(assignments[i].Slot, rendered[i]);
        }
        run.Go(0);
    }

    internal sealed record Assignment(int Slot, Template Value);
}

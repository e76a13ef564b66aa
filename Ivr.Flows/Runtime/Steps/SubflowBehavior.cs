using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Runs another flow from its start; its <c>return</c> continues here at <c>next</c>. The other flow is resolved
/// the first time a call enters the step (so flows may call each other), then cached in the plan.</summary>
internal sealed class SubflowBehavior : StepBehavior<SubflowStep, SubflowBehavior.Plan>
{
    public override string Kind => "subflow";

    protected override Plan Build(SubflowStep step, FlowCompileContext ctx) => new(step.Flow, ctx.ResolveSubflow);

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        var link = plan.Link;
        if (link is null)
        {
            CompiledFlow? child = null;
            try
            {
                child = plan.Resolve?.Invoke(plan.FlowId);
            }
            catch (FlowCompileException)
            {
                child = null;
            }
            if (child is null)
            {
                run.End("error:subflow-missing:" + plan.FlowId, "error");
                return;
            }
            link = new SubflowLink(run.Flow, child);
            plan.Link = link;
        }
        run.RequestSubflow(link);
    }

    internal sealed class Plan(string flowId, Func<string, CompiledFlow?>? resolve)
    {
        private volatile SubflowLink? _link;

        public string FlowId { get; } = flowId;

        public Func<string, CompiledFlow?>? Resolve { get; } = resolve;

        /// <summary>Written once by whichever call resolves first; a race only computes the same link twice.</summary>
        public SubflowLink? Link
        {
            get => _link;
            set => _link = value;
        }
    }
}

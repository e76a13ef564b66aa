using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Ends a subflow: the caller continues at the subflow step's <c>next</c> (outside a subflow the run ends, <c>returned</c>).</summary>
internal sealed class ReturnBehavior : StepBehavior<ReturnStep, object>
{
    private static readonly object Nothing = new();

    public override string Kind => "return";

    protected override object Build(ReturnStep step, FlowCompileContext ctx) => Nothing;

    public override void Enter(FlowRun run, CompiledStep step) => run.RequestReturn();
}

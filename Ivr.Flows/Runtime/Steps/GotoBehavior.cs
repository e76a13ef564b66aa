using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Jumps to its target.</summary>
internal sealed class GotoBehavior : StepBehavior<GotoStep, object>
{
    private static readonly object Nothing = new();

    public override string Kind => "goto";

    protected override object Build(GotoStep step, FlowCompileContext ctx) => Nothing;

    public override void Enter(FlowRun run, CompiledStep step) => run.Go(0);
}

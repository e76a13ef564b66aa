using Stateless;

namespace Ivr.Flows.Runtime;

/// <summary>One Stateless machine configured with a whole flow, bound to a single run for the duration of one fire.</summary>
/// <remarks>The state lives in the run (external state storage): the machine reads and writes <see cref="FlowRun.State"/>
/// of whichever run is bound, so one configuration serves every call.</remarks>
internal sealed class MachineLease
{
    public MachineLease(CompiledFlow flow)
    {
        Machine = new StateMachine<CompiledStep, FlowTrigger>(
            () => Run?.State ?? flow.Start,
            s => Run!.State = s,
            FiringMode.Immediate);
        foreach (var step in flow.Steps)
        {
            var config = Machine.Configure(step);
            foreach (var edge in step.EdgeArray)
            {
                if (ReferenceEquals(edge.Target, step)) config.PermitReentry(edge);
                else config.Permit(edge, edge.Target);
            }
            config.OnEntry(() => Run!.OnStepEntered(step), step.Kind);
        }
        Machine.OnUnhandledTrigger(static (_, _) => { });
    }

    public StateMachine<CompiledStep, FlowTrigger> Machine { get; }

    public FlowRun? Run { get; set; }
}

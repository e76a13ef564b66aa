namespace Ivr.Flows.Runtime;

/// <summary>What a <see cref="FlowRun"/> talks to: a call actor, the terminal simulator or a test executes its effects.</summary>
/// <remarks>
/// <see cref="Execute"/> is called synchronously from inside the run's event methods. The host may feed events back to the
/// same run from inside <see cref="Execute"/>; the run defers them until the current event is handled.
/// </remarks>
public interface IFlowHost
{
    /// <summary>Carries out one effect (play, listen, start a timer, enqueue, …).</summary>
    void Execute(FlowEffect effect);
}

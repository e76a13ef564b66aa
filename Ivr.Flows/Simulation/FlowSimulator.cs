using Ivr.Flows.Runtime;

namespace Ivr.Flows.Simulation;

/// <summary>Runs a scripted call through a compiled flow: start, feed every token, then stop (or drain) and report.</summary>
public static class FlowSimulator
{
    /// <summary>Simulates one call; never throws on any token sequence, and stops after <see cref="SimulationOptions.MaxEvents"/> events.</summary>
    public static SimulationResult Run(CompiledFlow flow, IEnumerable<InputToken> inputs, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var sim = new FlowSimulation(flow, options);
        sim.Start();
        foreach (var token in inputs)
        {
            if (sim.IsOver) break;
            sim.Deliver(token);
        }
        return sim.Finish();
    }
}

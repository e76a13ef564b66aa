namespace Ivr.Flows.Simulation;

/// <summary>The call of one scenario and what it got wrong.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Call">The simulated call.</param>
/// <param name="Mismatches">Unmet expectations; empty when the scenario passed.</param>
public sealed record ScenarioResult(FlowTestScenario Scenario, SimulationResult Call, IReadOnlyList<ScenarioMismatch> Mismatches)
{
    /// <summary>True when every expectation was met.</summary>
    public bool Passed => Mismatches.Count == 0;
}

namespace Ivr.Flows.Simulation;

/// <summary>The results of a scenario file: each scenario's call and mismatches, and the coverage of them all.</summary>
/// <param name="Results">One per scenario, in file order.</param>
/// <param name="Coverage">Steps, choices, handlers and branch cases reached.</param>
public sealed record FlowTestReport(IReadOnlyList<ScenarioResult> Results, IReadOnlyList<CoverageSection> Coverage)
{
    /// <summary>True when every scenario passed.</summary>
    public bool Passed => Results.All(r => r.Passed);
}

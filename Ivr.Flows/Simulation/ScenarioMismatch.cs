namespace Ivr.Flows.Simulation;

/// <summary>One expectation a scenario's call did not meet.</summary>
/// <param name="Field"><c>outcome</c>, <c>visits</c>, <c>notVisits</c>, <c>variables.&lt;name&gt;</c> or <c>language</c>.</param>
/// <param name="Expected">What the scenario expects.</param>
/// <param name="Actual">What the call did.</param>
public sealed record ScenarioMismatch(string Field, string Expected, string Actual);

namespace Ivr.Flows.Simulation;

/// <summary>An edge of a step: its index among the step's links and its label (<c>1/billing</c>, <c>when #1</c>, <c>else</c>…).</summary>
/// <param name="Flow">The flow id.</param>
/// <param name="Step">The step the edge leaves.</param>
/// <param name="Index">Position among the step's links.</param>
/// <param name="Label">The link's label.</param>
public sealed record EdgeRef(string Flow, string Step, int Index, string Label);

namespace Ivr.Flows.Simulation;

/// <summary>A retry handler of a menu or digits step that a run reached: <c>noInput</c> or <c>noMatch</c>.</summary>
/// <param name="Flow">The flow id.</param>
/// <param name="Step">The menu or digits step.</param>
/// <param name="Handler"><c>noInput</c> or <c>noMatch</c>.</param>
public sealed record HandlerRef(string Flow, string Step, string Handler);

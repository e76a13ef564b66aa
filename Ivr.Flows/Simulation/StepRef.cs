namespace Ivr.Flows.Simulation;

/// <summary>A step of a flow; subflow steps print as <c>flow/step</c>.</summary>
/// <param name="Flow">The flow id.</param>
/// <param name="Step">The step name.</param>
public sealed record StepRef(string Flow, string Step)
{
    /// <summary><c>step</c> in <paramref name="topFlow"/>, <c>flow/step</c> elsewhere.</summary>
    public string Display(string topFlow) => Flow == topFlow ? Step : $"{Flow}/{Step}";
}

using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>A step ready to run: its index, its edges (Stateless triggers) and the plan its behaviour compiled.
/// It is the Stateless state; <see cref="ToString"/> is the step name so exported graphs read well.</summary>
public sealed class CompiledStep
{
    private FlowTrigger[] _edges = [];

    internal CompiledStep(Step step, int index, StepBehavior behavior)
    {
        Step = step;
        Index = index;
        Behavior = behavior;
    }

    /// <summary>The step's name.</summary>
    public string Name => Step.Name;

    /// <summary>The step's kind (<c>menu</c>, <c>digits</c>, …).</summary>
    public string Kind => Step.Kind;

    /// <summary>Position in the flow's step list.</summary>
    public int Index { get; }

    /// <summary>The model the step was compiled from.</summary>
    public Step Step { get; }

    /// <summary>Outgoing edges, in the order of <see cref="Step.Links"/>.</summary>
    public IReadOnlyList<FlowTrigger> Edges => _edges;

    internal FlowTrigger[] EdgeArray => _edges;

    internal StepBehavior Behavior { get; }

    internal object? Plan { get; set; }

    internal void SetEdges(FlowTrigger[] edges) => _edges = edges;

    /// <summary>The step's name.</summary>
    public override string ToString() => Step.Name;
}

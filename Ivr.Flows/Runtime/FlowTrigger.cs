namespace Ivr.Flows.Runtime;

/// <summary>One outgoing edge of a compiled step, used as the Stateless trigger; its text is the link's label
/// (<c>next</c>, <c>1/billing</c>, <c>onExhausted</c>…), so exported graphs read like the flow.</summary>
public sealed class FlowTrigger
{
    internal FlowTrigger(CompiledStep source, int index, string label, CompiledStep target)
    {
        Source = source;
        Index = index;
        Label = label;
        Target = target;
    }

    /// <summary>The step this edge leaves.</summary>
    public CompiledStep Source { get; }

    /// <summary>Position among the source's edges, in the order of <see cref="Model.Steps.Step.Links"/>.</summary>
    public int Index { get; }

    /// <summary>The link's label.</summary>
    public string Label { get; }

    /// <summary>The step this edge enters.</summary>
    public CompiledStep Target { get; }

    /// <summary>The label.</summary>
    public override string ToString() => Label;
}

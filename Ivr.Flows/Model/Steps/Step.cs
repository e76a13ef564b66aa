namespace Ivr.Flows.Model.Steps;

/// <summary>A named step of a flow. One subclass per JSON <c>"type"</c>.</summary>
public abstract record Step
{
    /// <summary>The step's key in <c>steps</c>.</summary>
    public required string Name { get; init; }
    /// <summary>JSON pointer of the step object, e.g. <c>/steps/welcome</c>.</summary>
    public required string Pointer { get; init; }
    public string? Description { get; init; }
    /// <summary>The JSON <c>"type"</c> of this step.</summary>
    public abstract string Kind { get; }

    /// <summary>Every edge out of this step: a label (for graphs), the target step name and the pointer of the target value.</summary>
    public abstract IEnumerable<StepLink> Links();

    /// <summary>Every prompt reference the step plays.</summary>
    public virtual IEnumerable<PromptRef> PromptRefs() => [];

    /// <summary>True when the step ends the call or the subflow by itself (no outgoing edge is required).</summary>
    public virtual bool IsTerminal => false;
}

/// <summary>An edge from a step to another: <paramref name="Label"/> names the outcome (e.g. <c>next</c>, <c>1/billing</c>, <c>onExhausted</c>).</summary>
public sealed record StepLink(string Label, string Target, string Pointer);

using Ivr.Flows.Runtime;

namespace Ivr.Engine.Ops;

/// <summary>
/// A flow's graph as the dashboard lays it out (<c>GET /api/flows/{id}/graph.json</c>): its steps and its labelled edges,
/// in the flow's order. The dashboard places them with the bundled layout engine (dagre) and draws the SVG itself.
/// </summary>
/// <param name="Id">The flow's id.</param>
/// <param name="Version">The flow's version.</param>
/// <param name="Start">The name of the start step.</param>
/// <param name="Steps">Every step, in the flow's order.</param>
/// <param name="Edges">Every edge, one per link (a step may link twice to the same target under two labels).</param>
public sealed record FlowGraphView(string Id, string Version, string Start, IReadOnlyList<FlowGraphStep> Steps, IReadOnlyList<FlowGraphEdge> Edges)
{
    /// <summary>The graph of <paramref name="flow"/>.</summary>
    public static FlowGraphView Of(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new FlowGraphView(
            flow.Id,
            flow.Version,
            flow.Start.Name,
            flow.Steps.Select(s => new FlowGraphStep(s.Name, s.Kind)).ToList(),
            flow.Steps.SelectMany(s => s.Edges.Select(e => new FlowGraphEdge(s.Name, e.Target.Name, e.Label))).ToList());
    }
}

/// <summary>One step of a <see cref="FlowGraphView"/>.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Kind">Its kind (<c>menu</c>, <c>play</c>, <c>queue</c>, …).</param>
public sealed record FlowGraphStep(string Name, string Kind);

/// <summary>One edge of a <see cref="FlowGraphView"/>.</summary>
/// <param name="From">The step it leaves.</param>
/// <param name="To">The step it enters.</param>
/// <param name="Label">What takes it (a digit, a branch condition, <c>next</c>, …).</param>
public sealed record FlowGraphEdge(string From, string To, string Label);

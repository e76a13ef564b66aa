using System.Text;
using Ivr.Flows.Runtime;
using Stateless.Graph;

namespace Ivr.Flows.Graph;

/// <summary>Renders a compiled flow as a graph: DOT from the Stateless machine's <c>GetInfo()</c>, or a Mermaid flowchart.</summary>
public static class FlowGraph
{
    /// <summary>Graphviz DOT of the flow's state machine (states = steps, edges labelled like the flow's links).</summary>
    public static string ToDot(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return UmlDotGraph.Format(flow.GetInfo());
    }

    /// <summary>A Mermaid <c>flowchart TD</c>: one node per step, shaped by kind, edges labelled from <c>Step.Links()</c>.</summary>
    public static string ToMermaid(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var sb = new StringBuilder();
        sb.Append("flowchart TD\n");
        sb.Append("    start((\" \")) --> s").Append(flow.Start.Index).Append('\n');
        foreach (var step in flow.Steps)
        {
            var label = Escape($"{step.Name}\n{step.Kind}").Replace("\n", "<br/>", StringComparison.Ordinal);
            var (open, close) = Shape(step.Kind);
            sb.Append("    s").Append(step.Index).Append(open).Append('"').Append(label).Append('"').Append(close).Append('\n');
        }
        foreach (var step in flow.Steps)
        {
            foreach (var edge in step.Edges)
            {
                sb.Append("    s").Append(step.Index).Append(" -->|\"").Append(Escape(edge.Label)).Append("\"| s")
                  .Append(edge.Target.Index).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static (string Open, string Close) Shape(string kind) => kind switch
    {
        "menu" => ("{", "}"),
        "branch" => ("{{", "}}"),
        "digits" => ("[/", "/]"),
        "play" => ("(", ")"),
        "queue" => ("[[", "]]"),
        "subflow" => ("[[", "]]"),
        "transfer" => (">", "]"),
        "message" => ("[(", ")]"),
        "callback" => ("[\\", "\\]"),
        "hangup" => ("((", "))"),
        "return" => ("([", "])"),
        _ => ("[", "]"),
    };

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("#quot;"); break;
                case '<': sb.Append("#lt;"); break;
                case '>': sb.Append("#gt;"); break;
                case '|': sb.Append("#124;"); break;
                case '#': sb.Append("#35;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}

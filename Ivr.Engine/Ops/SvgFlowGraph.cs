using System.Globalization;
using System.Security;
using System.Text;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Ops;

/// <summary>
/// Renders a compiled flow as a standalone SVG for the dashboard (no layout engine, no CDN): steps in layers by their
/// distance from <c>start</c> (unreachable ones last), one box per step coloured by kind, edges as labelled curves —
/// forward edges downwards, edges back up or within a layer curving out to the right.
/// </summary>
public static class SvgFlowGraph
{
    private const int BoxWidth = 156;
    private const int BoxHeight = 42;
    private const int ColumnGap = 34;
    private const int LayerGap = 74;
    private const int Margin = 24;

    /// <summary>The SVG document of <paramref name="flow"/>.</summary>
    public static string Render(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var layers = Layers(flow);
        var position = new Dictionary<CompiledStep, (double X, double Y)>();
        var widest = layers.Max(l => l.Count);
        var width = (2 * Margin) + (widest * BoxWidth) + ((widest - 1) * ColumnGap) + 120;
        var height = (2 * Margin) + (layers.Count * BoxHeight) + ((layers.Count - 1) * LayerGap);
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var rowWidth = (layer.Count * BoxWidth) + ((layer.Count - 1) * ColumnGap);
            var x0 = Margin + (((widest * BoxWidth) + ((widest - 1) * ColumnGap) - rowWidth) / 2.0);
            for (var j = 0; j < layer.Count; j++)
                position[layer[j]] = (x0 + (j * (BoxWidth + ColumnGap)), Margin + (i * (BoxHeight + LayerGap)));
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow-graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\">");
        sb.Append("<title>").Append(Escape($"{flow.Id} {flow.Version}")).Append("</title>");
        sb.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#667\"/></marker></defs>");
        foreach (var step in flow.Steps)
        {
            foreach (var edge in step.Edges) Edge(sb, position[step], position[edge.Target], edge.Label, ReferenceEquals(step, edge.Target));
        }
        foreach (var step in flow.Steps) Box(sb, step, position[step], ReferenceEquals(step, flow.Start));
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static List<List<CompiledStep>> Layers(CompiledFlow flow)
    {
        var depth = new Dictionary<CompiledStep, int> { [flow.Start] = 0 };
        var order = new List<CompiledStep> { flow.Start };
        for (var i = 0; i < order.Count; i++)
        {
            foreach (var edge in order[i].Edges)
            {
                if (depth.ContainsKey(edge.Target)) continue;
                depth[edge.Target] = depth[order[i]] + 1;
                order.Add(edge.Target);
            }
        }
        var last = depth.Values.Max();
        foreach (var step in flow.Steps)
        {
            if (!depth.ContainsKey(step))
            {
                depth[step] = last + 1;
                order.Add(step);
            }
        }
        return order.GroupBy(s => depth[s]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
    }

    private static void Box(StringBuilder sb, CompiledStep step, (double X, double Y) at, bool isStart)
    {
        var fill = step.Kind switch
        {
            "menu" => "#dbeafe",
            "digits" => "#e0e7ff",
            "play" => "#dcfce7",
            "branch" or "set" or "goto" => "#fef9c3",
            "queue" => "#ffedd5",
            "callback" or "message" => "#fce7f3",
            "transfer" => "#ede9fe",
            "hangup" or "return" => "#e5e7eb",
            _ => "#f3f4f6",
        };
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"step\" data-step=\"{Escape(step.Name)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{at.X:0.#}\" y=\"{at.Y:0.#}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"8\" fill=\"{fill}\" stroke=\"{(isStart ? "#1d4ed8" : "#667")}\" stroke-width=\"{(isStart ? 2 : 1)}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{at.X + (BoxWidth / 2.0):0.#}\" y=\"{at.Y + 18:0.#}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" fill=\"#111\">{Escape(Clip(step.Name, 22))}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{at.X + (BoxWidth / 2.0):0.#}\" y=\"{at.Y + 33:0.#}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#445\">{Escape(step.Kind)}</text>");
        sb.Append("</g>");
    }

    private static void Edge(StringBuilder sb, (double X, double Y) from, (double X, double Y) to, string label, bool self)
    {
        string path;
        double lx, ly;
        if (to.Y > from.Y)
        {
            var (x1, y1, x2, y2) = (from.X + (BoxWidth / 2.0), from.Y + BoxHeight, to.X + (BoxWidth / 2.0), to.Y);
            var bend = (y2 - y1) / 2;
            path = F($"M{x1:0.#},{y1:0.#} C{x1:0.#},{y1 + bend:0.#} {x2:0.#},{y2 - bend:0.#} {x2:0.#},{y2 - 1:0.#}");
            (lx, ly) = ((x1 + x2) / 2, (y1 + y2) / 2);
        }
        else
        {
            // Back, same-layer or self edge: out of the right side and into the target's right side.
            var (x1, y1, x2, y2) = (from.X + BoxWidth, from.Y + (BoxHeight / 2.0), to.X + BoxWidth, to.Y + (BoxHeight / 2.0) + (self ? 8 : 0));
            var reach = (self ? 40 : 60) + (Math.Abs(y1 - y2) / 6);
            var x = Math.Max(x1, x2) + reach;
            path = F($"M{x1:0.#},{y1:0.#} C{x:0.#},{y1:0.#} {x:0.#},{y2:0.#} {x2 + 1:0.#},{y2:0.#}");
            (lx, ly) = (x - (reach / 4), (y1 + y2) / 2);
        }
        sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"#667\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>");
        if (label.Length > 0)
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx:0.#}\" y=\"{ly:0.#}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#334\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">{Escape(Clip(label, 18))}</text>");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Clip(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}

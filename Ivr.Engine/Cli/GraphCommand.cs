using System.CommandLine;
using Ivr.Flows.Graph;

namespace Ivr.Engine.Cli;

/// <summary><c>flow graph &lt;file&gt; --format dot|mermaid [--output file]</c>.</summary>
internal static class GraphCommand
{
    public static Command Build(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "Flow file (JSON)" };
        var format = new Option<string>("--format") { Description = "Graph language", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("dot", "mermaid");
        var output = new Option<string?>("--output", "-o") { Description = "Write the graph to this file instead of the console" };
        var sounds = new Option<string?>("--sounds") { Description = "Folder sound paths are relative to" };
        var cmd = new Command("graph", "Draw a flow as a Graphviz DOT or Mermaid graph (after checking it)") { file, format, output, sounds };
        cmd.SetAction(parse => CommandGuard.Run(console, "graph", () =>
        {
            var path = parse.GetValue(file)!;
            var build = FlowWorkspace.For(path, parse.GetValue(sounds)).Build(path);
            if (build.Flow is not { } flow) return CommandGuard.Refuse(console, path, build.Diagnostics, "text");
            var text = parse.GetValue(format) == "dot" ? FlowGraph.ToDot(flow) : FlowGraph.ToMermaid(flow);
            if (parse.GetValue(output) is { } target)
            {
                try
                {
                    File.WriteAllText(target, text);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    console.Error.WriteLine($"error: cannot write {target}: {ex.Message}");
                    return 1;
                }
                console.Out.WriteLine($"{target}: {flow.Steps.Count} steps written");
            }
            else
            {
                console.Out.Write(text);
            }
            return 0;
        }));
        return cmd;
    }
}

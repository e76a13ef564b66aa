using Ivr.Flows.Diagnostics;
using FlowExport = Ivr.Flows.Graph.FlowGraph;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;
using Ivr.Flows.Runtime;

namespace Ivr.Fuzz.Targets;

/// <summary>
/// Flow loading as the catalog does it: <see cref="FlowLoader.LoadBytes"/> (JSON with positions, schema, bind), then
/// <see cref="FlowLinter"/>, then <see cref="FlowCompiler"/> for a lint-clean flow, then its graph exports.
/// </summary>
public static class FlowTarget
{
    private const string File = "fuzz.json";
    private static readonly LintOptions Lint = new();

    /// <summary>Runs one input.</summary>
    public static void Run(byte[] input)
    {
        var loaded = FlowLoader.LoadBytes(input, File);
        // The loader's safety net turns an exception into a diagnostic; for the fuzzer that is still a crash.
        FuzzInvariantException.Check(
            !loaded.Diagnostics.Any(d => d.Message.StartsWith("internal error", StringComparison.Ordinal)),
            "loading never hits its internal-error safety net: " + string.Join(" | ", loaded.Diagnostics.Select(d => d.Message)));
        FuzzInvariantException.Check((loaded.Document is null) == loaded.HasErrors, "a flow loads exactly when it has no error");
        foreach (var d in loaded.Diagnostics)
        {
            FuzzInvariantException.Check(d.Line >= 0 && d.Column >= 0 && !string.IsNullOrEmpty(d.Message), "every diagnostic has a place and a message");
        }

        if (loaded.Document is null) return;

        var findings = FlowLinter.Lint(loaded.Document, Lint);
        if (findings.Any(d => d.Severity == Severity.Error)) return;

        CompiledFlow flow;
        try
        {
            flow = FlowCompiler.Compile(loaded.Document);
        }
        catch (FlowCompileException ex)
        {
            // The documented refusal; the catalog reports it and keeps the previous version.
            FuzzInvariantException.Check(ex.Errors.Count > 0, "a compile refusal lists its errors");
            return;
        }

        FuzzInvariantException.Check(!string.IsNullOrEmpty(FlowExport.ToDot(flow)), "a compiled flow exports to DOT");
        FuzzInvariantException.Check(!string.IsNullOrEmpty(FlowExport.ToMermaid(flow)), "a compiled flow exports to Mermaid");
    }
}

using System.CommandLine;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;
using Ivr.Flows.Simulation;

namespace Ivr.Engine.Cli;

/// <summary><c>ivr flow validate|lint|graph|simulate|test</c>: the flow designer's tools.</summary>
public static class FlowCommands
{
    /// <summary>Builds the <c>flow</c> command and its subcommands.</summary>
    public static Command Build(CliConsole console)
    {
        var flow = new Command("flow", "Validate, lint, draw, simulate and test JSON flows");
        flow.Add(BuildCheck(console, "validate", "Check flows as the engine does before loading them (schema and semantic errors)", lint: false));
        flow.Add(BuildCheck(console, "lint", "Report every finding, including style and unused prompts", lint: true));
        flow.Add(GraphCommand.Build(console));
        flow.Add(SimulateCommand.Build(console));
        flow.Add(TestCommand.Build(console));
        return flow;
    }

    private static Command BuildCheck(CliConsole console, string name, string description, bool lint)
    {
        var files = new Argument<string[]>("files") { Description = "Flow files (JSON)", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var sounds = new Option<string?>("--sounds") { Description = "Folder sound paths are relative to (default: the nearest sounds/ above the flow)" };
        var strict = new Option<bool>("--strict") { Description = "Fail on warnings too" };
        var cmd = new Command(name, description) { files, format, sounds };
        if (lint) cmd.Add(strict);
        cmd.SetAction(parse => CommandGuard.Run(console, name, () =>
        {
            var reports = new List<DiagnosticWriter.FileReport>();
            foreach (var file in parse.GetValue(files) ?? [])
            {
                var diagnostics = Check(file, parse.GetValue(sounds));
                if (!lint) diagnostics = diagnostics.Where(d => d.Severity != Severity.Info).ToList();
                reports.Add(new DiagnosticWriter.FileReport(file, diagnostics));
            }
            DiagnosticWriter.Write(console.Out, reports, parse.GetValue(format) ?? "text");
            var failOn = lint && parse.GetValue(strict) ? Severity.Warning : Severity.Error;
            return reports.Any(r => r.Diagnostics.Any(d => d.Severity >= failOn)) ? 1 : 0;
        }));
        return cmd;
    }

    /// <summary>Loads and lints one file (a scenario file <c>*.tests.json</c> is checked as such); never throws.</summary>
    public static IReadOnlyList<Diagnostic> Check(string file, string? soundsRoot)
    {
        if (file.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase)) return FlowTestSuiteLoader.LoadFile(file).Diagnostics;
        var loaded = FlowLoader.LoadFile(file);
        if (loaded.Document is not { } doc) return loaded.Diagnostics;
        var workspace = FlowWorkspace.For(file, soundsRoot);
        return [.. loaded.Diagnostics, .. FlowLinter.Lint(doc, workspace.LintOptionsFor(doc.Id))];
    }
}

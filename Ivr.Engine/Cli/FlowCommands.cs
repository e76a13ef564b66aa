using System.CommandLine;
using Ivr.Engine.Hosting;
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
        var format = OutputFormat.Create();
        var sounds = new Option<string?>("--sounds") { Description = "Folder sound paths are relative to (default: the nearest sounds/ above the flow)" };
        var strict = new Option<bool>("--strict") { Description = "Fail on warnings too" };
        var config = new Option<string?>("--config") { Description = "The settings file serve would use (its Speech section picks the recognizer phrases are checked with)" };
        var set = new Option<string[]>("--set") { Description = "A setting as Section:Key=value, as for serve (e.g. Speech:Engine=none; repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var cmd = new Command(name, description) { files, format, sounds };
        if (lint)
        {
            cmd.Add(strict);
            cmd.Add(config);
            cmd.Add(set);
        }
        cmd.SetAction(parse => CommandGuard.Run(console, name, () =>
        {
            using var speech = lint ? LintSpeechFor(console, parse.GetValue(config), parse.GetValue(set) ?? []) : null;
            if (lint && speech is null) return 2;
            var reports = new List<DiagnosticWriter.FileReport>();
            foreach (var file in parse.GetValue(files) ?? [])
            {
                var diagnostics = Check(file, parse.GetValue(sounds));
                if (!lint) diagnostics = diagnostics.Where(d => d.Severity != Severity.Info).ToList();
                else if (speech is not null && !IsScenarioFile(file) && diagnostics.All(d => d.Severity != Severity.Error))
                    diagnostics = [.. diagnostics, .. speech.Check(file, parse.GetValue(sounds))];
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
        if (IsScenarioFile(file)) return FlowTestSuiteLoader.LoadFile(file).Diagnostics;
        var loaded = FlowLoader.LoadFile(file);
        if (loaded.Document is not { } doc) return loaded.Diagnostics;
        var workspace = FlowWorkspace.For(file, soundsRoot);
        return [.. loaded.Diagnostics, .. FlowLinter.Lint(doc, workspace.LintOptionsFor(doc.Id))];
    }

    private static bool IsScenarioFile(string file) => file.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase);

    // The recognizer serve would configure from the same settings; null (after one line on stderr) when they are unusable.
    private static LintSpeech? LintSpeechFor(CliConsole console, string? configFile, string[] sets)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in sets)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                console.Error.WriteLine($"--set: '{pair}' is not Section:Key=value.");
                return null;
            }
            overrides[pair[..eq]] = pair[(eq + 1)..];
        }
        try
        {
            return LintSpeech.Create(EngineOptions.Load(overrides, configFile));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or IOException or System.Text.Json.JsonException)
        {
            console.Error.WriteLine("Configuration: " + ex.Message);
            return null;
        }
    }
}

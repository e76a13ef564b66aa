using System.CommandLine;
using System.Globalization;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Ivr.Flows.Simulation;

namespace Ivr.Engine.Cli;

/// <summary><c>flow simulate &lt;file&gt;</c>: an interactive call in the terminal, or a scripted one with <c>--input</c>.</summary>
internal static class SimulateCommand
{
    private const string Help = """
        Type at each turn:
          1 or 12345678#      DTMF keys (0-9 * # A-D), one key after the other
          billing             a spoken phrase (confidence 1.0); say:billing@0.3 for another confidence
          (empty line)        silence: the no-input timer fires
          /nomatch            something the recognizer cannot match
          /hangup             hang up
          /connected /callback /message /failed    queue results
          /transfer-ok /transfer-fail /booked /refused
          /help               this help;  /quit  stop the simulation
        """;

    public static Command Build(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "Flow file (JSON)" };
        var input = new Option<string?>("--input", "-i") { Description = "Scripted mode: comma-separated tokens, e.g. \"2,1,billing,/noinput\"" };
        var caller = new Option<string>("--caller") { Description = "Caller number", DefaultValueFactory = _ => "+15550100" };
        var name = new Option<string?>("--name") { Description = "Caller display name" };
        var dialled = new Option<string?>("--dialled") { Description = "Number or name the caller dialled" };
        var at = new Option<string?>("--at") { Description = "Instant of the call, ISO 8601 (e.g. 2026-11-23T10:00:00+01:00); default now" };
        var language = new Option<string?>("--language") { Description = "Locale to start in (default: the flow's)" };
        var drain = new Option<bool>("--drain") { Description = "When the script is used up, let timers fire until the call ends" };
        var format = OutputFormat.Create();
        var sounds = new Option<string?>("--sounds") { Description = "Folder sound paths are relative to" };
        var audio = new Option<string[]>("--audio")
        {
            Description = "A WAV file the caller says at the next listening turn, recognised by the real offline recognizer (repeatable; before --input)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var stubs = new Option<string?>("--stubs") { Description = "A scenario file (flows/x.tests.json) whose \"http\" stubs answer the flow's http steps (its defaults; with --scenario, that scenario's too)" };
        var scenarioName = new Option<string?>("--scenario") { Description = "With --stubs: the scenario whose http stubs add to the file's defaults" };
        var cmd = new Command("simulate", "Simulate a call: interactive in the terminal, or scripted with --input")
        {
            file, input, caller, name, dialled, at, language, drain, format, sounds, audio, stubs, scenarioName,
        };
        cmd.SetAction(parse => CommandGuard.Run(console, "simulate", () =>
        {
            var path = parse.GetValue(file)!;
            var fmt = parse.GetValue(format) ?? "text";
            TimeProvider time = TimeProvider.System;
            if (parse.GetValue(at) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
                {
                    console.Error.WriteLine($"error: --at '{text}' is not an ISO 8601 instant (e.g. 2026-11-23T10:00:00+01:00)");
                    return 1;
                }
                time = new ManualTimeProvider(instant);
            }
            IReadOnlyList<InputToken>? script = null;
            if (parse.GetValue(input) is { } raw)
            {
                if (!InputToken.TryParseScript(raw, out script, out var error))
                {
                    console.Error.WriteLine($"error: --input: {error}");
                    return 1;
                }
            }
            var build = FlowWorkspace.For(path, parse.GetValue(sounds)).Build(path);
            if (build.Flow is not { } flow) return CommandGuard.Refuse(console, path, build.Diagnostics, fmt);
            var options = new SimulationOptions
            {
                CallerNumber = parse.GetValue(caller) ?? "",
                CallerName = parse.GetValue(name),
                Dialled = parse.GetValue(dialled),
                Language = parse.GetValue(language),
                Drain = parse.GetValue(drain),
                Time = time,
            };
            if (parse.GetValue(stubs) is null && parse.GetValue(scenarioName) is { } alone)
            {
                console.Error.WriteLine($"error: --scenario '{alone}' needs --stubs FILE (the scenario file that holds it)");
                return 1;
            }
            if (parse.GetValue(stubs) is { } stubsFile)
            {
                var suite = FlowTestSuiteLoader.LoadFile(stubsFile);
                if (suite.Suite is null) return CommandGuard.Refuse(console, stubsFile, suite.Diagnostics, fmt);
                FlowTestScenario? chosen = null;
                if (parse.GetValue(scenarioName) is { } wanted && (chosen = suite.Suite.Scenarios.FirstOrDefault(s => s.Name == wanted)) is null)
                {
                    console.Error.WriteLine($"error: --scenario: no scenario '{wanted}' in {stubsFile}");
                    return 1;
                }
                options = options with { HttpStubs = FlowTestRunner.HttpStubs(suite.Suite, chosen) };
            }
            var spoken = parse.GetValue(audio) ?? [];
            SimulationResult result;
            if (spoken.Length > 0)
            {
                if (SimulatedSpeech.Check(spoken) is { } problem)
                {
                    console.Error.WriteLine("error: --audio: " + problem);
                    return 1;
                }
                result = SimulatedSpeech.Run(flow, spoken, script ?? [], options, console.Out, fmt == "text");
                script ??= [];
            }
            else
            {
                result = script is not null ? FlowSimulator.Run(flow, script, options) : Interactive(console, flow, options, fmt == "text");
            }
            if (fmt == "json") console.Out.WriteLine(TranscriptWriter.Serialize(TranscriptWriter.ToJson(result)));
            else
            {
                if (script is not null) console.Out.WriteLine($"flow {flow} - caller {options.CallerNumber}, {(parse.GetValue(at) is { } a ? "at " + a : "now")}");
                TranscriptWriter.WriteText(console.Out, result, transcript: script is not null);
            }
            return 0;
        }));
        return cmd;
    }

    private static SimulationResult Interactive(CliConsole console, CompiledFlow flow, SimulationOptions options, bool echo)
    {
        var output = echo ? console.Out : TextWriter.Null;
        output.WriteLine($"Simulating {flow} - caller {options.CallerNumber}. Type /help for help, /quit to stop.");
        var sim = new FlowSimulation(flow, options);
        var shown = 0;
        sim.Start();
        while (true)
        {
            sim.Settle();
            Show(output, sim, flow.Id, ref shown);
            if (sim.IsOver) break;
            output.Write($"[{sim.CurrentStepDisplay}] {Expected(sim)}\n> ");
            var line = console.In.ReadLine();
            if (line is null || line.Trim() is "/quit" or "/exit") break;
            if (line.Trim() == "/help")
            {
                output.WriteLine(Help);
                continue;
            }
            if (!InputToken.TryParse(line, out var token, out var error))
            {
                output.WriteLine($"   !! {error}");
                continue;
            }
            sim.Deliver(token);
            for (; shown < sim.Transcript.Count; shown++)
            {
                var entry = sim.Transcript[shown];
                if (entry.Kind != TranscriptKind.Input && TranscriptWriter.Shown(entry)) output.WriteLine(TranscriptWriter.Line(entry, flow.Id));
            }
        }
        var result = sim.Finish();
        Show(output, sim, flow.Id, ref shown);
        return result;
    }

    // The transcript's new entries (the outcome is printed once, by the summary).
    private static void Show(TextWriter output, FlowSimulation sim, string flowId, ref int shown)
    {
        for (; shown < sim.Transcript.Count; shown++)
        {
            if (TranscriptWriter.Shown(sim.Transcript[shown])) output.WriteLine(TranscriptWriter.Line(sim.Transcript[shown], flowId));
        }
    }

    /// <summary>What the run can take now, in words.</summary>
    private static string Expected(FlowSimulation sim)
    {
        var run = sim.Run;
        switch (run.Waiting)
        {
            case FlowWait.Queue: return "in the queue: /connected, /callback, /message, /failed or /hangup";
            case FlowWait.Transfer: return "transferring: /transfer-ok or /transfer-fail";
            case FlowWait.Callback: return "booking the callback: /booked or /refused";
            case FlowWait.Agent: return "talking to the agent: /agent-hangup or /hangup";
        }
        switch (sim.CurrentStepModel)
        {
            case MenuStep menu:
                var choices = menu.Choices.Select(c =>
                {
                    var phrases = c.PhrasesFor(run.Language).ToList();
                    var keys = string.Join("/", c.Keys);
                    return phrases.Count == 0 || !menu.Speech ? $"{keys} -> {c.Next}" : $"{keys} or \"{string.Join("\", \"", phrases)}\" -> {c.Next}";
                });
                return "choose: " + string.Join("; ", choices) + " (empty line = silence)";
            case DigitsStep digits:
                var end = digits.Terminator.Length > 0 ? $", end with {digits.Terminator}" : "";
                return $"type {(digits.Min == digits.Max ? digits.Max.ToString(CultureInfo.InvariantCulture) : $"{digits.Min}-{digits.Max}")} digits{end} (empty line = silence)";
            case CallbackStep:
                return "1 confirm the number, 2 another number (digits then #), 3 decline";
            default:
                return "(empty line = silence, /hangup, /help)";
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Ivr.Flows.Simulation;

namespace Ivr.Engine.Cli;

/// <summary><c>flow test &lt;file&gt;</c>: runs the scenarios of <c>&lt;name&gt;.tests.json</c> beside a flow, with coverage.</summary>
internal static class TestCommand
{
    public static Command Build(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "Flow file (its scenarios are <name>.tests.json beside it), or a .tests.json file" };
        var format = OutputFormat.Create();
        var sounds = new Option<string?>("--sounds") { Description = "Folder sound paths are relative to" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print the path of passing scenarios too" };
        var cmd = new Command("test", "Run a flow's scenario file and report step, choice, handler and branch coverage") { file, format, sounds, verbose };
        cmd.SetAction(parse => CommandGuard.Run(console, "test", () =>
        {
            var path = parse.GetValue(file)!;
            var fmt = parse.GetValue(format) ?? "text";
            var suitePath = path.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase)
                ? path
                : Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path) + ".tests.json");
            if (!path.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase))
            {
                // Check the flow itself first: a broken flow is reported as such, not as a missing scenario file.
                var direct = FlowWorkspace.For(path, parse.GetValue(sounds)).Build(path);
                if (direct.Flow is null) return CommandGuard.Refuse(console, path, direct.Diagnostics, fmt);
            }
            var loaded = FlowTestSuiteLoader.LoadFile(suitePath);
            if (loaded.Suite is not { } suite) return CommandGuard.Refuse(console, suitePath, loaded.Diagnostics, fmt);
            var flowPath = suite.FlowPath;
            var build = FlowWorkspace.For(flowPath, parse.GetValue(sounds)).Build(flowPath);
            if (build.Flow is not { } flow) return CommandGuard.Refuse(console, flowPath, build.Diagnostics, fmt);

            var report = FlowTestRunner.Run(flow, suite, build.Resolve);
            if (fmt == "json") console.Out.WriteLine(TranscriptWriter.Serialize(ToJson(report, suitePath, flow.ToString())));
            else WriteText(console.Out, report, suitePath, flow.ToString(), parse.GetValue(verbose));
            return report.Passed ? 0 : 1;
        }));
        return cmd;
    }

    private static void WriteText(TextWriter output, FlowTestReport report, string suitePath, string flow, bool verbose)
    {
        output.WriteLine($"{suitePath}: {report.Results.Count} scenario(s) against {flow}");
        foreach (var r in report.Results)
        {
            output.WriteLine($"{(r.Passed ? "PASS" : "FAIL")}  {r.Scenario.Name}  ({r.Call.Outcome})");
            foreach (var m in r.Mismatches) output.WriteLine($"      {m.Field}: expected {m.Expected}, actual {m.Actual}");
            if (!r.Passed || verbose)
            {
                output.WriteLine($"      input: {string.Join(", ", r.Scenario.Input)}");
                output.WriteLine($"      path:  {string.Join(" > ", r.Call.PathNames)}");
            }
        }
        var failed = report.Results.Count(r => !r.Passed);
        output.WriteLine($"{report.Results.Count - failed} passed, {failed} failed");
        output.WriteLine("coverage:");
        foreach (var c in report.Coverage)
        {
            output.WriteLine($"  {c.Name,-9} {c.Covered,3}/{c.Total,-3} {c.Percent.ToString("0.#", CultureInfo.InvariantCulture),5}%");
            foreach (var missed in c.Missed) output.WriteLine($"            not reached: {missed}");
        }
    }

    private static object ToJson(FlowTestReport report, string suitePath, string flow) => new
    {
        suite = suitePath,
        flow,
        passed = report.Results.Count(r => r.Passed),
        failed = report.Results.Count(r => !r.Passed),
        scenarios = report.Results.Select(r => new
        {
            name = r.Scenario.Name,
            passed = r.Passed,
            outcome = r.Call.Outcome,
            path = r.Call.PathNames,
            mismatches = r.Mismatches.Select(m => new { field = m.Field, expected = m.Expected, actual = m.Actual }),
        }),
        coverage = report.Coverage.Select(c => new { name = c.Name, covered = c.Covered, total = c.Total, percent = Math.Round(c.Percent, 1), missed = c.Missed }),
    };
}

using Ivr.Flows.Runtime;

namespace Ivr.Flows.Simulation;

/// <summary>Runs the scenarios of a <see cref="FlowTestSuite"/> against a compiled flow and checks their expectations.</summary>
public static class FlowTestRunner
{
    /// <summary>Runs every scenario; <paramref name="resolve"/> finds subflows for the coverage report.</summary>
    public static FlowTestReport Run(CompiledFlow flow, FlowTestSuite suite, Func<string, CompiledFlow?>? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(suite);
        var results = new List<ScenarioResult>();
        foreach (var scenario in suite.Scenarios)
        {
            var d = suite.Defaults;
            var c = scenario.Call;
            var at = c.At ?? d.At;
            var options = new SimulationOptions
            {
                CallerNumber = c.Caller ?? d.Caller ?? "+15550100",
                CallerName = c.CallerName ?? d.CallerName,
                History = c.History ?? d.History,
                Dialled = c.Dialled ?? d.Dialled,
                Language = c.Language ?? d.Language,
                Drain = c.Drain ?? d.Drain ?? false,
                Time = at is { } instant ? new ManualTimeProvider(instant) : TimeProvider.System,
                HttpStubs = HttpStubs(suite, scenario),
            };
            var call = FlowSimulator.Run(flow, scenario.Input, options);
            results.Add(new ScenarioResult(scenario, call, Check(scenario.Expect, call)));
        }
        return new FlowTestReport(results, FlowCoverage.Compute(flow, resolve, results.Select(r => r.Call)));
    }

    /// <summary>The <c>http</c> stubs a scenario runs with: the file's defaults, then the scenario's own (null: the defaults alone).</summary>
    public static IReadOnlyDictionary<string, HttpStub> HttpStubs(FlowTestSuite suite, FlowTestScenario? scenario)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var stubs = new Dictionary<string, HttpStub>(StringComparer.Ordinal);
        foreach (var (step, stub) in suite.Defaults.Http ?? new Dictionary<string, HttpStub>()) stubs[step] = stub;
        foreach (var (step, stub) in scenario?.Call.Http ?? new Dictionary<string, HttpStub>()) stubs[step] = stub;
        return stubs;
    }

    /// <summary>Compares a call with what a scenario expects.</summary>
    public static IReadOnlyList<ScenarioMismatch> Check(ScenarioExpectation expect, SimulationResult call)
    {
        ArgumentNullException.ThrowIfNull(expect);
        ArgumentNullException.ThrowIfNull(call);
        var mismatches = new List<ScenarioMismatch>();
        if (expect.Outcome is { } outcome && outcome != call.Outcome) mismatches.Add(new("outcome", outcome, call.Outcome));
        var missing = expect.Visits.Where(s => !call.Visited(s)).ToList();
        if (missing.Count > 0) mismatches.Add(new("visits", string.Join(", ", missing), "not visited"));
        var unwanted = expect.NotVisits.Where(call.Visited).ToList();
        if (unwanted.Count > 0) mismatches.Add(new("notVisits", "not " + string.Join(", ", unwanted), "visited"));
        foreach (var (name, value) in expect.Variables)
        {
            var actual = call.Variables.TryGetValue(name, out var v) ? v : null;
            if (actual != value) mismatches.Add(new($"variables.{name}", value, actual ?? "(unknown variable)"));
        }
        if (expect.Language is { } lang && !string.Equals(lang, call.Language, StringComparison.OrdinalIgnoreCase))
            mismatches.Add(new("language", lang, call.Language));
        return mismatches;
    }
}

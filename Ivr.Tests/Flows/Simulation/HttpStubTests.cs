using System.Text;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Loading;
using Ivr.Flows.Runtime;
using Ivr.Flows.Simulation;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Simulation;

/// <summary>Stubbed <c>http</c> answers in <c>flow simulate</c> (options) and <c>flow test</c> (scenario files).</summary>
public class HttpStubTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "Ivr.Tests", "TestData", "flows", "http");

    private static CompiledFlow Lookup() => FlowCompiler.Compile(FlowLoader.LoadFile(Path.Combine(Folder, "customer-lookup.json")).Document!);

    [Fact]
    public void FlowTest_CustomerLookupScenarios_AllPass_AndCoverEveryFailureBranch()
    {
        var loaded = FlowTestSuiteLoader.LoadFile(Path.Combine(Folder, "customer-lookup.tests.json"));
        Assert.Empty(loaded.Diagnostics);

        var report = FlowTestRunner.Run(Lookup(), loaded.Suite!);

        Assert.All(report.Results, r => Assert.True(r.Passed, r.Scenario.Name + ": " + string.Join("; ", r.Mismatches)));
        Assert.Equal(7, report.Results.Count);
        var steps = Assert.Single(report.Coverage, c => c.Name == "steps");
        Assert.Equal(steps.Total, steps.Covered);
    }

    [Fact]
    public void Simulate_WithAStub_ShowsTheRequestAndTheAnswer_AndMovesTheClockByTheDelay()
    {
        var start = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(start);
        var options = new SimulationOptions
        {
            Time = clock,
            HttpStubs = new Dictionary<string, HttpStub> { ["lookup"] = new(200, """{ "name": "Ada", "plan": { "tier": "gold" } }""", 0.75) },
        };

        var result = FlowSimulator.Run(Lookup(), [new InputToken(InputTokenKind.Digits, "4242#")], options);

        Assert.Equal("hangup:greeted", result.Outcome);
        Assert.Contains(result.Transcript, t => t.Kind == TranscriptKind.Http && t.Text == "http GET service crm /customers/4242?source=ivr");
        Assert.Contains(result.Transcript, t => t.Kind == TranscriptKind.Http && t.Text.StartsWith("http answer: 200 after 0.75 s", StringComparison.Ordinal));
        Assert.Contains(result.Transcript, t => t.Kind == TranscriptKind.Prompt && t.Text == "One moment please.");
        Assert.Contains(result.Transcript, t => t.Kind == TranscriptKind.Prompt && t.Text == "Hello Ada, thank you for calling.");
        Assert.Equal(start.AddSeconds(0.75), clock.GetUtcNow());
    }

    [Fact]
    public void Simulate_WithoutAStub_TakesOnError_NoStub_AndSaysWhy()
    {
        var result = FlowSimulator.Run(Lookup(), [new InputToken(InputTokenKind.Digits, "4242#")]);

        Assert.Equal("hangup:lookup-failed", result.Outcome);
        Assert.Equal(HttpErrors.NoStub, result.Variables["http.error"]);
        Assert.Contains(result.Transcript, t => t.Kind == TranscriptKind.Http && t.Text.Contains("no stub", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "status": 99 }""", DiagnosticCodes.OutOfRange, "/scenarios/0/http/lookup/status")]
    [InlineData("""{ "delay": -1 }""", DiagnosticCodes.OutOfRange, "/scenarios/0/http/lookup/delay")]
    [InlineData("""{ "error": "bad-json" }""", DiagnosticCodes.ValueNotAllowed, "/scenarios/0/http/lookup/error")]
    [InlineData("""{ "headers": {} }""", DiagnosticCodes.UnknownProperty, "/scenarios/0/http/lookup/headers")]
    [InlineData("""[]""", DiagnosticCodes.WrongType, "/scenarios/0/http/lookup")]
    public void ScenarioFile_BadStub_IsADiagnosticAtItsPointer(string stub, string code, string pointer)
    {
        var json = $$"""{ "flow": "f.json", "scenarios": [ { "name": "a", "input": [], "http": { "lookup": {{stub}} }, "expect": {} } ] }""";

        var result = FlowTestSuiteLoader.LoadBytes(Encoding.UTF8.GetBytes(json), "t.tests.json");

        Assert.Null(result.Suite);
        Assert.Contains(result.Diagnostics, d => d.Code == code && d.Pointer == pointer);
    }

    [Fact]
    public void ScenarioFile_StubsOfTheScenario_OverrideTheDefaults()
    {
        var json = """
            { "flow": "f.json",
              "defaults": { "http": { "lookup": { "status": 200, "body": { "name": "A" } }, "other": { "error": "timeout" } } },
              "scenarios": [ { "name": "a", "input": [], "http": { "lookup": { "status": 503, "body": "busy", "delay": 0.2 } }, "expect": {} } ] }
            """;

        var suite = FlowTestSuiteLoader.LoadBytes(Encoding.UTF8.GetBytes(json), "t.tests.json").Suite!;

        var merged = FlowTestRunner.HttpStubs(suite, suite.Scenarios[0]);
        var defaultsOnly = FlowTestRunner.HttpStubs(suite, null);

        // The scenario's stub replaces the default of its step; the other default stays.
        Assert.Equal(new HttpStub(503, "busy", 0.2), merged["lookup"]);
        Assert.Equal(new HttpStub(200, null, 0, HttpErrors.Timeout), merged["other"]);
        Assert.Equal(2, merged.Count);
        Assert.Equal(new HttpStub(200, """{ "name": "A" }"""), defaultsOnly["lookup"]);
    }
}

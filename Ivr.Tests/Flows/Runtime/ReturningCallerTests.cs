using System.Text;
using Ivr.Flows;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;
using Ivr.Flows.Runtime;
using Ivr.Flows.Simulation;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Runtime;

/// <summary>
/// Returning callers in a flow, from JSON as a designer writes it: the read-only <c>caller.*</c> history variables (branch,
/// prompt text, lint), the queue step's <c>preferLastAgent</c> (schema, binder, lint IVR315, the effect it asks for), and a
/// scenario file's <c>history</c>.
/// </summary>
public class ReturningCallerTests
{
    private static readonly LintOptions Options = new() { SoundsRoot = Path.Combine(RepoPaths.Root, "sounds") };

    private static string Flow(string queueExtra = "", string extraStep = "") => $$"""
        {
          "id": "returning",
          "version": "1.0.0",
          "language": "en-US",
          "start": "check",
          "steps": {
            "check": {
              "type": "branch",
              "conditions": [ { "when": { "var": "caller.contactsLast24h", "op": "greaterThan", "value": "0" }, "next": "welcome_back" } ],
              "else": "queue"
            },
            "welcome_back": { "type": "play", "prompt": { "text": "Welcome back. Last time you spoke with {caller.lastAgent} about {caller.lastSkill}." }, "next": "queue" },
            "queue": {
              "type": "queue", "skill": "billing"{{queueExtra}},
              "onCallback": "bye", "onMessage": "bye", "onFailure": "bye"
            },{{extraStep}}
            "bye": { "type": "hangup" }
          }
        }
        """;

    private static IReadOnlyList<Diagnostic> Check(string json) => FlowChecker.CheckText(json, "returning.json", Options).Diagnostics;

    private static CompiledFlow Compile(string json)
    {
        var loaded = FlowLoader.LoadText(json, "returning.json");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        return FlowCompiler.Compile(loaded.Document!);
    }

    [Fact]
    public void HistoryVariables_AreKnownWithoutDeclaring_AndPreferLastAgentIsValid()
    {
        Assert.Empty(Check(Flow(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 30 }""")));
    }

    [Fact]
    public void AssigningAHistoryVariable_IsAnErrorAtItsPointer()
    {
        var d = Check(Flow(extraStep: """ "fake": { "type": "set", "values": { "caller.lastAgent": "bob" }, "next": "bye" },"""));

        Assert.Contains(d, x => x.Code == DiagnosticCodes.ReadOnlyVariable && x.Severity == Severity.Error && x.Pointer == "/steps/fake/values/caller.lastAgent");
    }

    [Theory]
    [InlineData(""", "preferLastAgent": { "withinHours": 24 }""", DiagnosticCodes.MissingProperty, "/steps/queue/preferLastAgent")]
    [InlineData(""", "preferLastAgent": { "withinHours": 200, "waitSeconds": 30 }""", DiagnosticCodes.OutOfRange, "/steps/queue/preferLastAgent/withinHours")]
    [InlineData(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 0 }""", DiagnosticCodes.OutOfRange, "/steps/queue/preferLastAgent/waitSeconds")]
    [InlineData(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 30, "agent": "x" }""", DiagnosticCodes.UnknownProperty, "/steps/queue/preferLastAgent/agent")]
    public void BadPreferLastAgent_IsReportedAtItsValue(string extra, string code, string pointer)
    {
        var d = Check(Flow(extra));

        Assert.Contains(d, x => x.Code == code && x.Pointer == pointer);
    }

    [Fact]
    public void WaitAsLongAsMaxWait_IsWarnedIVR315()
    {
        var d = Check(Flow(""", "maxWait": 30, "preferLastAgent": { "withinHours": 24, "waitSeconds": 30 }"""));

        var w = Assert.Single(d);
        Assert.Equal((DiagnosticCodes.PreferLastAgentOutlastsWait, Severity.Warning, "/steps/queue/preferLastAgent/waitSeconds"), (w.Code, w.Severity, w.Pointer));
    }

    [Fact]
    public void ReturningCaller_IsGreetedWithTheirHistory_AndQueuedWithTheLastAgentFirst()
    {
        var flow = Compile(Flow(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 30 }"""));
        var host = new RecordingHost();
        var call = F.Call() with { Contacts = new CallerContacts(2, 3, "billing", "alice", "connected:billing", 90, 90) };
        var run = flow.CreateRun(host, call, TimeProvider.System);

        run.Start();
        Assert.Equal("Welcome back. Last time you spoke with alice about billing.", host.LastPlayed);
        run.PromptFinished();

        Assert.Equal(new PreferredAgent("alice", TimeSpan.FromSeconds(30)), host.Last<EnqueueEffect>().PreferAgent);
        var values = run.GetVariables();
        Assert.Equal(("2", "3", "connected:billing", "90"), (values["caller.contactsLast24h"], values["caller.contactsLast7d"], values["caller.lastOutcome"], values["caller.lastContactMinutesAgo"]));
    }

    [Theory]
    [InlineData(1441, null)]   // the last agent's contact is older than withinHours
    [InlineData(1440, "alice")]
    public void PreferLastAgent_OnlyWithinHours(int minutesAgo, string? expected)
    {
        var flow = Compile(Flow(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 30 }"""));
        var host = new RecordingHost();
        var run = flow.CreateRun(host, F.Call() with { Contacts = new CallerContacts(0, 1, "billing", "alice", "connected:billing", minutesAgo, minutesAgo) }, TimeProvider.System);

        run.Start();

        Assert.Equal(expected, host.Last<EnqueueEffect>().PreferAgent?.AgentId);
    }

    [Fact]
    public void FirstTimeCaller_NotGreeted_NoPreference_CountsZeroAndNamesEmpty()
    {
        var flow = Compile(Flow(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 30 }"""));
        var host = new RecordingHost();
        var run = flow.CreateRun(host, F.Call(), TimeProvider.System);

        run.Start();

        Assert.Empty(host.Of<PlayEffect>());
        Assert.Null(host.Last<EnqueueEffect>().PreferAgent);
        var values = run.GetVariables();
        Assert.Equal(("0", "0", "", ""), (values["caller.contactsLast24h"], values["caller.contactsLast7d"], values["caller.lastAgent"], values["caller.lastAgentMinutesAgo"]));
    }

    [Fact]
    public void ScenarioHistory_FillsTheVariables_AndTheTranscriptShowsTheLastAgentFirst()
    {
        var suite = """
            {
              "flow": "returning.json",
              "scenarios": [
                { "name": "returning", "input": [], "history": { "contactsLast24h": 1, "lastAgent": "alice", "lastSkill": "billing", "lastContactMinutesAgo": 5 },
                  "expect": { "outcome": "queued:billing", "visits": ["welcome_back"], "variables": { "caller.contactsLast7d": "1", "caller.lastAgentMinutesAgo": "5" } } },
                { "name": "first time", "input": [], "expect": { "outcome": "queued:billing", "notVisits": ["welcome_back"] } }
              ]
            }
            """;
        var loaded = FlowTestSuiteLoader.LoadBytes(Encoding.UTF8.GetBytes(suite), "returning.tests.json");
        Assert.Empty(loaded.Diagnostics);
        var flow = Compile(Flow(""", "preferLastAgent": { "withinHours": 24, "waitSeconds": 30 }"""));

        var report = FlowTestRunner.Run(flow, loaded.Suite!);

        Assert.All(report.Results, r => Assert.Empty(r.Mismatches));
        Assert.Contains(report.Results[0].Call.Transcript, t => t.Text.EndsWith(", last agent alice first for 30 s", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "contactsLast24h": -1 }""", "/scenarios/0/history/contactsLast24h")]
    [InlineData("""{ "contactsLast24h": 2, "contactsLast7d": 1 }""", "/scenarios/0/history/contactsLast7d")]
    [InlineData("""{ "lastAgnet": "alice" }""", "/scenarios/0/history/lastAgnet")]
    public void ScenarioHistory_BadValue_IsADiagnosticAtItsPointer(string history, string pointer)
    {
        var suite = $$"""{ "flow": "returning.json", "scenarios": [ { "name": "x", "input": [], "history": {{history}}, "expect": {} } ] }""";

        var loaded = FlowTestSuiteLoader.LoadBytes(Encoding.UTF8.GetBytes(suite), "returning.tests.json");

        Assert.Contains(loaded.Diagnostics, d => d.Pointer == pointer);
    }
}

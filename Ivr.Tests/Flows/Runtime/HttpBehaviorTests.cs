using Ivr.Flows.Loading;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Runtime;

/// <summary>The <c>http</c> step in the runtime: the effect it asks for, and what each answer does to the run.</summary>
public class HttpBehaviorTests
{
    private static readonly string LookupFlow = Path.Combine(RepoPaths.Root, "Ivr.Tests", "TestData", "flows", "http", "customer-lookup.json");

    private static (FlowRun Run, RecordingHost Host) StartAtLookup()
    {
        var loaded = FlowLoader.LoadFile(LookupFlow);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var flow = FlowCompiler.Compile(loaded.Document!);
        var host = new RecordingHost();
        var run = flow.CreateRun(host, F.Call(), TimeProvider.System);
        run.Start();
        run.PromptFinished();
        foreach (var key in "4242#") run.Digit(key);
        Assert.Equal("/customers/4242?source=ivr", host.Last<HttpRequestEffect>().Path);
        return (run, host);
    }

    private static FlowRun RunWithPath(string path, RecordingHost host, string account = "a/b c?d#e&f")
    {
        var doc = F.Flow("h", "lookup",
        [
            new HttpStep { Name = "lookup", Pointer = "/steps/lookup", Service = "crm", Path = path, Next = "ok", OnError = "ko" },
            F.Hangup("ok"), F.Hangup("ko"),
        ], variables: new() { ["account"] = account });
        var run = FlowCompiler.Compile(doc).CreateRun(host, F.Call(), TimeProvider.System);
        run.Start();
        return run;
    }

    [Fact]
    public void Enter_EmitsTheRequest_WithVariablesUrlEncoded_ThenPlaysTheFiller()
    {
        var host = new RecordingHost();
        var run = RunWithPath("/customers/{account}?from={caller.number}", host);

        var request = host.Last<HttpRequestEffect>();
        Assert.Equal(new HttpRequestEffect("lookup", "crm", HttpStepMethod.Get, "/customers/a%2Fb%20c%3Fd%23e%26f?from=%2B33612345678", null, TimeSpan.FromSeconds(2), ReadsAnswer: false), request);
        Assert.Equal(FlowWait.Http, run.Waiting);
    }

    [Theory]
    [InlineData("/customers/{account}/orders", "..")]
    [InlineData("/customers/{account}/orders", ".")]
    [InlineData("/customers/{account}", "")]
    [InlineData("/customers/{account}", "..")]
    public void Enter_ValueThatMakesAnEmptyOrDotSegment_TakesOnErrorWithBadPath_AndSendsNothing(string path, string account)
    {
        var host = new RecordingHost();
        var run = RunWithPath(path, host, account);

        Assert.Empty(host.Of<HttpRequestEffect>());
        Assert.Equal("ko", run.CurrentStep);
        Assert.Equal(HttpErrors.BadPath, run.GetVariable("http.error"));
    }

    [Theory]
    [InlineData("/customers/x{account}", "..", "/customers/x..")]
    [InlineData("/customers/{account}", "...", "/customers/...")]
    [InlineData("/search?q={account}", "..", "/search?q=..")]
    [InlineData("/search?q={account}", "", "/search?q=")]
    public void Enter_DotsOrEmptyValuesThatAreNotAWholeSegment_AreSent(string path, string account, string sent)
    {
        var host = new RecordingHost();
        RunWithPath(path, host, account);

        Assert.Equal(sent, host.Last<HttpRequestEffect>().Path);
    }

    [Fact]
    public void Enter_ClearsTheStatusAndErrorOfAnEarlierHttpStep_AndTheRunReportsEachJudgement()
    {
        var doc = F.Flow("h", "first",
        [
            new HttpStep { Name = "first", Pointer = "/steps/first", Service = "crm", Path = "/a", Next = "second", OnError = "second", Map = new Dictionary<string, string> { ["name"] = "/name" } },
            new HttpStep { Name = "second", Pointer = "/steps/second", Service = "crm", Path = "/b", Next = "ok", OnError = "ko", Map = new Dictionary<string, string> { ["name"] = "/name" } },
            F.Hangup("ok"), F.Hangup("ko"),
        ], variables: new() { ["name"] = "" });
        var host = new RecordingHost();
        var run = FlowCompiler.Compile(doc).CreateRun(host, F.Call(), TimeProvider.System);
        var judged = new JudgementLog();
        run.Observer = judged;
        run.Start();

        run.HttpResult(HttpResult.Response(500, "down"));

        Assert.Equal("second", run.CurrentStep);
        Assert.Equal(("", ""), (run.GetVariable("http.status"), run.GetVariable("http.error")));
        run.HttpResult(HttpResult.Response(200, "<html>"));
        run.HttpResult(HttpResult.Response(200, """{"name":"late"}"""));
        Assert.Equal("ko", run.CurrentStep);
        Assert.Equal([("first", HttpErrors.Status), ("second", HttpErrors.BadJson)], judged.Judgements);
    }

    private sealed class JudgementLog : IFlowRunObserver
    {
        public List<(string Step, string? Error)> Judgements { get; } = [];

        public void StepEntered(FlowRun run, CompiledStep step)
        {
        }

        public void EdgeTaken(FlowRun run, FlowTrigger edge)
        {
        }

        public void AttemptFailed(FlowRun run, CompiledStep step, bool noMatch, int attempt)
        {
        }

        public void HttpAnswered(FlowRun run, CompiledStep step, HttpResult result, string? error) => Judgements.Add((step.Name, error));
    }

    [Fact]
    public void Filler_PlaysWhileWaiting_AndAgainWhenItEnds_ThenIsCutByTheAnswer()
    {
        var (run, host) = StartAtLookup();
        Assert.Equal("lookup", run.CurrentStep);
        var played = host.Of<PlayEffect>().Count();
        Assert.Equal("One moment please.", host.LastPlayed);

        run.PromptFinished();
        Assert.Equal(played + 1, host.Of<PlayEffect>().Count());
        Assert.Equal("One moment please.", host.LastPlayed);

        var before = host.Effects.Count;
        run.HttpResult(HttpResult.Response(200, """{ "name": "Ada", "plan": { "tier": "gold" } }"""));

        // In order: the filler played, the answer stops it, then the greeting plays (no filler after the stop).
        Assert.Equal("One moment please.", string.Join(" | ", ((PlayEffect)host.Effects[before - 1]).Prompts.Select(p => p.Text)));
        var afterAnswer = host.Effects.Skip(before).ToList();
        var stop = afterAnswer.FindIndex(e => e is StopPlaybackEffect);
        var greeting = afterAnswer.FindIndex(e => e is PlayEffect);
        Assert.True(stop >= 0 && greeting > stop, string.Join(", ", afterAnswer.Select(e => e.GetType().Name)));
        Assert.StartsWith("Hello Ada", string.Join(" | ", ((PlayEffect)afterAnswer[greeting]).Prompts.Select(p => p.Text)), StringComparison.Ordinal);
        Assert.Equal("greet", run.CurrentStep);
    }

    [Fact]
    public void Answer2xx_MapsFieldsByJsonPointer_AndGoesNext()
    {
        var (run, host) = StartAtLookup();

        run.HttpResult(HttpResult.Response(200, """{ "name": "Zoë \"Z\" Ng", "plan": { "tier": 3 }, "extra": [1] }"""));

        Assert.Equal("Zoë \"Z\" Ng", run.GetVariable("customer_name"));
        Assert.Equal("3", run.GetVariable("tier"));
        Assert.Equal("200", run.GetVariable("http.status"));
        Assert.Equal("", run.GetVariable("http.error"));
        Assert.Equal("Hello Zoë \"Z\" Ng, thank you for calling.", host.LastPlayed);
    }

    [Theory]
    [InlineData(500, """{ "name": "Ada", "plan": { "tier": "x" } }""", "status", "500", "failed_status")]
    [InlineData(404, "", "status", "404", "failed_status")]
    [InlineData(200, "<html>not json</html>", "bad-json", "200", "failed_bad_json")]
    [InlineData(200, "", "bad-json", "200", "failed_bad_json")]
    [InlineData(200, """{ "name": "Ada" }""", "missing-field", "200", "failed_other")]
    public void AnswerThatCannotBeUsed_TakesOnError_WithTheReason(int status, string body, string error, string httpStatus, string step)
    {
        var (run, _) = StartAtLookup();
        run.SetVariable("customer_name", "before");

        run.HttpResult(HttpResult.Response(status, body));

        Assert.Equal(error, run.GetVariable("http.error"));
        Assert.Equal(httpStatus, run.GetVariable("http.status"));
        Assert.Equal(step, run.CurrentStep);
        // All or nothing: a partly usable answer changes no mapped variable.
        Assert.Equal("before", run.GetVariable("customer_name"));
    }

    [Theory]
    [InlineData("timeout", "failed_timeout")]
    [InlineData("breaker-open", "failed_breaker")]
    [InlineData("network", "failed_other")]
    public void Failure_TakesOnError_WithNoStatus(string error, string step)
    {
        var (run, _) = StartAtLookup();

        run.HttpResult(HttpResult.Failed(error));

        Assert.Equal((error, "", step), (run.GetVariable("http.error"), run.GetVariable("http.status"), run.CurrentStep));
    }

    [Fact]
    public void KeysAndLateAnswers_AreIgnored()
    {
        var (run, _) = StartAtLookup();
        run.Digit('5');
        Assert.Equal("lookup", run.CurrentStep);

        run.HttpResult(HttpResult.Failed("timeout"));
        run.HttpResult(HttpResult.Response(200, """{ "name": "Late" }"""));

        Assert.Equal("failed_timeout", run.CurrentStep);
        Assert.Equal("timeout", run.GetVariable("http.error"));
    }

    [Fact]
    public void Post_SendsTheBodyAsAJsonObjectOfRenderedStrings()
    {
        var doc = F.Flow("h", "lookup",
        [
            new HttpStep
            {
                Name = "lookup", Pointer = "/steps/lookup", Service = "crm", Path = "/calls", Method = HttpStepMethod.Post,
                Body = new Dictionary<string, string> { ["account"] = "{account}", ["caller"] = "{caller.number}", ["note"] = "say \"hi\"" },
                Timeout = 0.5, Next = "ok", OnError = "ko",
            },
            F.Hangup("ok"), F.Hangup("ko"),
        ], variables: new() { ["account"] = "12 34" });
        var host = new RecordingHost();
        FlowCompiler.Compile(doc).CreateRun(host, F.Call(), TimeProvider.System).Start();

        var request = host.Last<HttpRequestEffect>();

        Assert.Equal(HttpStepMethod.Post, request.Method);
        Assert.Equal("""{"account":"12 34","caller":"\u002B33612345678","note":"say \u0022hi\u0022"}""", request.Body);
        Assert.Equal(TimeSpan.FromMilliseconds(500), request.Timeout);
    }
}

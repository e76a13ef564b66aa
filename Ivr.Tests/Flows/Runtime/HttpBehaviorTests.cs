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

    private static FlowRun RunWithPath(string path, RecordingHost host)
    {
        var doc = F.Flow("h", "lookup",
        [
            new HttpStep { Name = "lookup", Pointer = "/steps/lookup", Service = "crm", Path = path, Next = "ok", OnError = "ko" },
            F.Hangup("ok"), F.Hangup("ko"),
        ], variables: new() { ["account"] = "a/b c?d#e&f" });
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
        Assert.Equal(new HttpRequestEffect("lookup", "crm", HttpStepMethod.Get, "/customers/a%2Fb%20c%3Fd%23e%26f?from=%2B33612345678", null, TimeSpan.FromSeconds(2)), request);
        Assert.Equal(FlowWait.Http, run.Waiting);
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

        run.HttpResult(HttpResult.Response(200, """{ "name": "Ada", "plan": { "tier": "gold" } }"""));
        var afterAnswer = host.Effects.SkipWhile(e => e is not StopPlaybackEffect).ToList();
        Assert.NotEmpty(afterAnswer);
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

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.Integrations;

/// <summary>
/// The <c>http</c> step in real calls: sipp types an account number (RFC 4733) to the real <c>ivr serve</c>, whose flow
/// (<c>TestData/flows/http/customer-lookup.json</c>) fetches the customer from a Kestrel server on loopback and greets them by
/// name; each failure of the server takes the step's <c>onError</c> and the caller is still served (a prompt, then BYE).
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.A)]
public sealed class HttpStepCallTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "s3cret-T0ken+42";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Api = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ivr-http-step-");
    private int _calls;

    public void Dispose() => _data.Delete(recursive: true);

    private Task<EngineProcess> StartEngineAsync(LoopbackCrm crm, params string[] settings)
    {
        var args = new List<string>
        {
            "--flows", "Ivr.Tests/TestData/flows/http", "--data", _data.FullName,
            "--set", "Flows:Map:hotline=customer-lookup",
            // The secret both in a header and in the base URL's query: neither may reach a log line or the timeline.
            "--set", $"Http:Services:crm:BaseUrl={crm.BaseUrl}?key={{secret}}",
            "--set", "Http:Services:crm:Headers:Authorization=Bearer {secret}",
            "--set", $"Http:Services:crm:Secret={Secret}",
        };
        foreach (var s in settings) args.AddRange(["--set", s]);
        return EngineProcess.StartAsync([.. args]);
    }

    /// <summary>One sipp call that types 4242#; returns the call's outcome and its timeline (kind, step, detail).</summary>
    private async Task<(string Outcome, List<(string Kind, string? Step, string Detail)> Timeline)> CallAsync(EngineProcess engine)
    {
        var n = ++_calls;
        var cid = $"httpstep-{n}-%u@%s";
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_account_dtmf_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "caller", "+33612345678", "-cid_str", cid);
        var exit = await sipp.WaitAsync(Bound);
        Assert.True(exit == 0, $"sipp call {n} failed:\n{sipp.Output}\nengine:\n{engine.Log}");
        var callId = $"httpstep-{n}-1@127.0.0.1";
        var ended = await engine.WaitForLogAsync($"Call {callId} ended: ", Bound);
        var outcome = ended[(ended.IndexOf(" ended: ", StringComparison.Ordinal) + 8)..].Trim();
        var view = await Api.GetFromJsonAsync<JsonElement>($"{engine.HttpBase}/api/calls/{Uri.EscapeDataString(callId)}");
        var timeline = view.GetProperty("timeline").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.TryGetProperty("step", out var s) ? s.GetString() : null, e.GetProperty("detail").GetString()!))
            .ToList();
        output.WriteLine($"call {n}: {outcome}\n  " + string.Join("\n  ", timeline.Select(t => $"{t.Item1} {t.Item2}: {t.Item3}")));
        return (outcome, timeline);
    }

    private static double HttpMillis(List<(string Kind, string? Step, string Detail)> timeline)
    {
        var note = Assert.Single(timeline, t => t.Kind == "http").Detail;
        var ms = note[(note.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..].Replace(" ms", "", StringComparison.Ordinal);
        return double.Parse(ms, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task CallerTypesAccount_IsGreetedByName_AndEachServerFailureTakesOnError_WithTheCallerServed()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        // The breaker set so that these few failures cannot open it (the default needs 5 attempts, 50% failed, in 30 s).
        await using var engine = await StartEngineAsync(crm,
            "Http:Services:crm:BreakerMinimumThroughput=100", "Http:Services:crm:BreakerFailureRatio=1", "Http:Services:crm:BreakerSamplingSeconds=1");

        // The customer is found: the server saw the right URL and the secret header; the greeting was synthesised with the name.
        crm.Mode = LoopbackCrm.Answer.Customer;
        var (outcome, timeline) = await CallAsync(engine);
        Assert.Equal("hangup:greeted", outcome);
        var (path, headers) = Assert.Single(crm.Requests);
        Assert.Equal($"/customers/4242?key={Uri.EscapeDataString(Secret)}&source=ivr", path);
        Assert.Equal("Bearer " + Secret, headers["Authorization"]);
        Assert.Equal("application/json", headers["Accept"]);
        Assert.Contains(timeline, t => t.Kind == "prompt" && t.Step == "lookup" && t.Detail == "\"One moment please.\"");
        Assert.Contains(timeline, t => t.Kind == "prompt" && t.Step == "greet" && t.Detail == "\"Hello Ada Lovelace, thank you for calling.\"");
        Assert.Contains(timeline, t => t.Kind == "http" && t.Detail.StartsWith($"GET {crm.BaseUrl}/customers/4242?key=***&source=*** → 200", StringComparison.Ordinal));

        // 500: onError with http.error = status (one retry of the GET first: the server saw two requests).
        crm.Mode = LoopbackCrm.Answer.ServerError;
        (outcome, timeline) = await CallAsync(engine);
        Assert.Equal("hangup:lookup-status", outcome);
        Assert.Equal(3, crm.Requests.Count);
        Assert.Contains(timeline, t => t.Kind == "prompt" && t.Detail.Contains("Sorry, we cannot find your details", StringComparison.Ordinal));

        // HTML instead of JSON: onError with bad-json, logged with the step and the URL.
        crm.Mode = LoopbackCrm.Answer.Html;
        (outcome, timeline) = await CallAsync(engine);
        Assert.Equal("hangup:lookup-bad-json", outcome);
        Assert.Contains(timeline, t => t.Kind == "http" && t.Detail == "answer not usable: bad-json");
        var logged = await engine.WaitForLogAsync("but the body is not JSON (bad-json)", Bound);
        Assert.Contains($"http step lookup: GET {crm.BaseUrl}/customers/4242?key=***&source=*** answered 200", logged, StringComparison.Ordinal);

        // The server stalls: onError with timeout, the step's own timeout (2 s) and not the server's pace ending the wait.
        crm.Mode = LoopbackCrm.Answer.Stall;
        (outcome, timeline) = await CallAsync(engine);
        Assert.Equal("hangup:lookup-timeout", outcome);
        Assert.Contains(timeline, t => t.Kind == "http" && t.Detail.Contains("→ timeout in", StringComparison.Ordinal));
        Assert.InRange(HttpMillis(timeline), 0, 20_000);

        // The secret never reaches a log line; the metrics count each outcome by service.
        Assert.DoesNotContain(Secret, engine.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Secret), engine.Log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(timeline, t => t.Detail.Contains(Uri.EscapeDataString(Secret), StringComparison.OrdinalIgnoreCase));
        var metrics = await Api.GetStringAsync(engine.HttpBase + "/metrics");
        foreach (var o in new[] { "ok", "status", "timeout" })
            Assert.Contains(metrics.Split('\n'), l => l.StartsWith("ivr_http_requests", StringComparison.Ordinal) && l.Contains("service=\"crm\"", StringComparison.Ordinal) && l.Contains($"outcome=\"{o}\"", StringComparison.Ordinal));
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("ivr_http_unusable", StringComparison.Ordinal) && l.Contains("reason=\"bad-json\"", StringComparison.Ordinal));
        Assert.Contains("ivr_http_duration", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterThreeFailures_TheBreakerOpens_AndTheNextCallerGoesOnWithoutWaiting()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = LoopbackCrm.Answer.ServerError;
        await using var engine = await StartEngineAsync(crm,
            "Http:Services:crm:Retries=0", "Http:Services:crm:BreakerMinimumThroughput=3", "Http:Services:crm:BreakerFailureRatio=1",
            "Http:Services:crm:BreakerSamplingSeconds=600", "Http:Services:crm:BreakerSeconds=600");

        for (var i = 1; i <= 3; i++)
        {
            var (failed, _) = await CallAsync(engine);
            Assert.Equal("hangup:lookup-status", failed);
            Assert.Equal(i, crm.Requests.Count);
        }

        var (outcome, timeline) = await CallAsync(engine);

        Assert.Equal("hangup:lookup-breaker-open", outcome);
        Assert.Equal(3, crm.Requests.Count);
        Assert.Contains(timeline, t => t.Kind == "http" && t.Detail.Contains("→ breaker-open in", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.Kind == "prompt" && t.Step == "failed_breaker");
        await engine.WaitForLogAsync("circuit breaker open", Bound);
    }
}

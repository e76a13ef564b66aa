using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ivr.Engine.Ops;
using Ivr.Tests.Ops;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Operations seen from outside, as an operator's tools see them: the real <c>ivr serve</c> process takes sipp calls that
/// wait in a queue (no router: on hold) and hang up there; its Prometheus <c>/metrics</c> and the real <c>ivr status</c>
/// binary are read over HTTP while the calls start, wait, abandon and end.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class OpsEndToEndTests
{
    private const string Queued = """ivr_calls_live{state="queued"}""";
    private const string QueueEntered = """ivr_flow_queue_entered_total{flow="queue-wait",skill="support"}""";
    private const string QueueAbandoned = """ivr_flow_queue_abandoned_total{flow="queue-wait",skill="support"}""";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Metrics_MoveAsSippCallsStart_Queue_Abandon_AndEnd()
    {
        await using var engine = await StartEngineAsync();
        using var http = Client(engine);
        var before = await ScrapeAsync(http);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sn", "uac", "-s", "hotline", "-m", "3", "-r", "10", "-d", "5000", "-rtp_echo");

        var queued = await ScrapeUntilAsync(http, m => m.Get(Queued) == 3);
        var holding = await ScrapeUntilAsync(http, m => m.Get("ivr_media_rtp_packets_sent_total") > queued.Get("ivr_media_rtp_packets_sent_total"));
        var exit = await sipp.WaitAsync(Bound);
        var after = await ScrapeUntilAsync(http, m => m.Get("ivr_calls_active") == 0 && m.Get("""ivr_actors_live{type="call"}""") == 0);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (before.Get("ivr_calls_started_total"), before.Get("ivr_calls_active"), before.Get(Queued), before.Get(QueueEntered)));
        Assert.Equal((3.0, 3.0, 3.0), (queued.Get("ivr_calls_active"), queued.Get("ivr_calls_started_total"), queued.Get("ivr_calls_answered_total")));
        Assert.Equal((3.0, 3.0, 0.0), (queued.Get(QueueEntered), queued.Get("""ivr_actors_live{type="call"}"""), queued.Get(QueueAbandoned)));
        Assert.Equal((3.0, 3.0), (queued.Get("""ivr_sip_requests_total{method="INVITE"}"""), queued.Get("""ivr_sip_responses_total{code="200"}""")));
        Assert.Equal(3.0, queued.Get("""ivr_flow_calls_total{flow="queue-wait",version="1.0.0"}"""));
        Assert.Equal(3.0, holding.Get("ivr_media_sessions"));
        Assert.True(holding.Get("ivr_media_rtp_packets_received_total") > 0, "sipp echoes the hold music: the engine counts RTP in");

        Assert.Equal((0.0, 3.0, 3.0), (after.Get(Queued), after.Get("""ivr_calls_ended_total{reason="caller-hangup"}"""), after.Get(QueueAbandoned)));
        Assert.Equal((3.0, 3.0), (after.Get("""ivr_sip_requests_total{method="BYE"}"""), after.Get("ivr_calls_duration_seconds_count")));
        Assert.Equal(3.0, after.Get("""ivr_flow_outcomes_total{flow="queue-wait",outcome="caller-hangup"}"""));
        Assert.InRange(after.Get("ivr_calls_duration_seconds_sum"), 3 * 5.0, 3 * 60.0);
        Assert.True(after.Get("ivr_media_rtp_packets_sent_total") >= holding.Get("ivr_media_rtp_packets_sent_total"));
    }

    [Fact]
    public async Task StatusOnceJson_AgreesWithMetrics_AtTheSameMoment_DuringAndAfterCalls()
    {
        await using var engine = await StartEngineAsync();
        using var http = Client(engine);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sn", "uac", "-s", "hotline", "-m", "2", "-r", "10", "-d", "8000", "-rtp_echo");
        await ScrapeUntilAsync(http, m => m.Get(Queued) == 2);

        // While calls wait (RTP moving): every status figure lies between a scrape just before and one just after it.
        var (busyBefore, busy, busyAfter) = await StatusBetweenScrapesAsync(engine, http);
        var exit = await sipp.WaitAsync(Bound);
        await ScrapeUntilAsync(http, m => m.Get("ivr_calls_active") == 0 && m.Get("""ivr_actors_live{type="call"}""") == 0);
        // At a quiet moment the two scrapes are equal: status shows exactly what /metrics shows.
        var (quietBefore, quiet, quietAfter) = await StatusBetweenScrapesAsync(engine, http);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output);
        Assert.Equal((2L, 2), (busy.Calls.Active, busy.Calls.ByState["queued"]));
        AssertAgrees(busyBefore, busy, busyAfter);
        Assert.Equal((0L, 2L, 2L), (quiet.Calls.Active, quiet.Calls.Ended["caller-hangup"], quiet.Flows.Single(f => f.Flow == "queue-wait").Abandoned["support"]));
        Assert.True(quiet.Media.PacketsSent > busy.Media.PacketsSent, "the hold music kept flowing between the two reads");
        // Reading the status asks the call manager for the drain state: its message count is the one figure a read moves.
        foreach (var (key, _) in Figures(quiet).Where(f => f.Key != """ivr_actors_messages_total{type="call-manager"}"""))
            Assert.True(quietBefore.Get(key) == quietAfter.Get(key), $"{key} moved at a quiet moment: {quietBefore.Get(key)} → {quietAfter.Get(key)}");
        AssertAgrees(quietBefore, quiet, quietAfter);
    }

    [Fact]
    public async Task JsonLogs_AreOneObjectPerLine_AndEveryLineOfACallCarriesItsCallIdAndFlow()
    {
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/ops", "--set", "Flows:Map:hotline=queue-wait", "--set", "Logging:Format=json");
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target, "-sn", "uac", "-s", "hotline", "-m", "1", "-d", "1000");

        var exit = await sipp.WaitAsync(Bound);
        var ended = await engine.WaitForLogAsync("ended: caller-hangup", Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output);
        var lines = engine.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var callId = Scope(JsonDocument.Parse(ended).RootElement, "CallId");
        Assert.False(string.IsNullOrEmpty(callId));
        var callLines = lines.Where(l => l.GetProperty("Category").GetString() == "Ivr.Engine.Calls.CallActor").ToList();
        Assert.True(callLines.Count >= 3, "the call logs its start, its wait without a router and its end");
        Assert.All(callLines, l => Assert.Equal((callId, "queue-wait", "1.0.0"), (Scope(l, "CallId"), Scope(l, "Flow"), Scope(l, "FlowVersion"))));
        Assert.Contains(lines, l => l.GetProperty("Message").GetString()!.Contains("HTTP listening", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogLevels_SetOnTheCommandLine_ApplyPerCategory()
    {
        // Like any other setting (--set, IVR__ variables, --config): the call actor's debug lines on, the flow catalog's
        // information lines off.
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/ops", "--set", "Flows:Map:hotline=queue-wait", "--set", "Logging:Format=json",
            "--set", "Logging:LogLevel:Ivr.Engine.Calls.CallActor=Debug", "--set", "Logging:LogLevel:Ivr.Engine.Flows=Warning",
            "--set", "Calls:RingFor=00:00:00.2");
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target, "-sn", "uac", "-s", "hotline", "-m", "1", "-d", "1000");

        var exit = await sipp.WaitAsync(Bound);
        await engine.WaitForLogAsync("ended: caller-hangup", Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output);
        var lines = engine.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(l => (Level: l.GetProperty("LogLevel").GetString(), Category: l.GetProperty("Category").GetString()!, Message: l.GetProperty("Message").GetString()!))
            .ToList();
        Assert.Contains(lines, l => l is { Level: "Debug", Category: "Ivr.Engine.Calls.CallActor" } && l.Message.Contains("rings for", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Category.StartsWith("Ivr.Engine.Flows", StringComparison.Ordinal) && l.Level is "Debug" or "Information");
        Assert.DoesNotContain(lines, l => l.Level == "Debug" && l.Category != "Ivr.Engine.Calls.CallActor");
    }

    /// <summary>The value of <paramref name="name"/> in the scopes of a JSON log line, null when absent.</summary>
    private static string? Scope(JsonElement line, string name) =>
        line.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _)).Select(s => s.GetProperty(name).ToString()).FirstOrDefault()
            : null;

    /// <summary>Each figure of <paramref name="status"/> lies between its values in the scrapes before and after it.</summary>
    private static void AssertAgrees(Dictionary<string, double> before, StatusReport status, Dictionary<string, double> after)
    {
        var figures = Figures(status);
        Assert.True(figures.Count >= 30, $"only {figures.Count} figures compared");
        foreach (var (key, value) in figures)
        {
            var (low, high) = (Math.Min(before.Get(key), after.Get(key)), Math.Max(before.Get(key), after.Get(key)));
            Assert.True(value >= low && value <= high, $"{key}: status says {value}, /metrics said {before.Get(key)} before and {after.Get(key)} after");
        }
    }

    /// <summary>The status figures under their Prometheus sample names (tagged families summed the way status shows them).</summary>
    private static List<(string Key, double Value)> Figures(StatusReport s)
    {
        var figures = new List<(string, double)>
        {
            ("ivr_calls_active", s.Calls.Active),
            ("ivr_calls_started_total", s.Calls.Started),
            ("ivr_calls_answered_total", s.Calls.Answered),
            ("ivr_calls_failed_total", s.Calls.Failed),
            ("ivr_sip_retransmissions_total", s.Sip.Retransmissions),
            ("ivr_sip_parse_errors_total", s.Sip.ParseErrors),
            ("ivr_sip_rejected_overload_total", s.Sip.RejectedOverload),
            ("ivr_media_rtp_packets_received_total", s.Media.PacketsReceived),
            ("ivr_media_rtp_packets_sent_total", s.Media.PacketsSent),
            ("ivr_media_rtp_packets_ignored_total", s.Media.PacketsIgnored),
            ("ivr_media_dtmf_received_total", s.Media.DtmfReceived),
            ("ivr_media_dtmf_sent_total", s.Media.DtmfSent),
            ("ivr_media_pacing_late_sends_total", s.Media.LateSends),
            ("ivr_media_sessions", s.Media.Sessions),
        };
        figures.AddRange(s.Calls.Ended.Select(kv => ($"ivr_calls_ended_total{{reason=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Calls.Rejected.Select(kv => ($"ivr_calls_rejected_total{{status=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Calls.ByState.Select(kv => ($"ivr_calls_live{{state=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Sip.Requests.Select(kv => ($"ivr_sip_requests_total{{method=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Sip.Responses.Select(kv => ($"ivr_sip_responses_total{{code=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Actors.Live.Select(kv => ($"ivr_actors_live{{type=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Actors.Messages.Select(kv => ($"ivr_actors_messages_total{{type=\"{kv.Key}\"}}", (double)kv.Value)));
        figures.AddRange(s.Actors.Restarts.Select(kv => ($"ivr_actors_restarted_total{{type=\"{kv.Key}\"}}", (double)kv.Value)));
        foreach (var f in s.Flows)
        {
            if (f.Version is { } version && f.Calls > 0) figures.Add(($"ivr_flow_calls_total{{flow=\"{f.Flow}\",version=\"{version}\"}}", f.Calls));
            figures.AddRange(f.Outcomes.Select(kv => ($"ivr_flow_outcomes_total{{flow=\"{f.Flow}\",outcome=\"{kv.Key}\"}}", (double)kv.Value)));
            figures.AddRange(f.Queued.Select(kv => ($"ivr_flow_queue_entered_total{{flow=\"{f.Flow}\",skill=\"{kv.Key}\"}}", (double)kv.Value)));
            figures.AddRange(f.Abandoned.Select(kv => ($"ivr_flow_queue_abandoned_total{{flow=\"{f.Flow}\",skill=\"{kv.Key}\"}}", (double)kv.Value)));
        }
        return figures;
    }

    private static async Task<(Dictionary<string, double> Before, StatusReport Status, Dictionary<string, double> After)> StatusBetweenScrapesAsync(EngineProcess engine, HttpClient http)
    {
        var before = await ScrapeAsync(http);
        var status = await RunStatusOnceJsonAsync(engine);
        var after = await ScrapeAsync(http);
        return (before, status, after);
    }

    /// <summary>Runs the built <c>ivr status --once --format json</c> against the engine and reads its output.</summary>
    private static async Task<StatusReport> RunStatusOnceJsonAsync(EngineProcess engine)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ivr"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "status", "--once", "--format", "json", "--url", BaseUrl(engine) }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Bound);
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"ivr status exited {process.ExitCode}: {await stderr}");
        return JsonSerializer.Deserialize<StatusReport>(await stdout, Json)!;
    }

    private static Task<EngineProcess> StartEngineAsync() =>
        EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/ops", "--set", "Flows:Map:hotline=queue-wait");

    private static string BaseUrl(EngineProcess engine) => "http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture);

    private static HttpClient Client(EngineProcess engine) => new() { BaseAddress = new Uri(BaseUrl(engine)), Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http) =>
        PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    /// <summary>Scrapes every 100 ms until <paramref name="condition"/> holds on a scrape; fails after <see cref="Bound"/>.</summary>
    private static async Task<Dictionary<string, double>> ScrapeUntilAsync(HttpClient http, Func<Dictionary<string, double>, bool> condition)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var deadline = Stopwatch.StartNew();
        Dictionary<string, double> last;
        do
        {
            last = await ScrapeAsync(http);
            if (condition(last)) return last;
        }
        while (deadline.Elapsed < Bound && await ticks.WaitForNextTickAsync());
        throw new TimeoutException("the metrics never reached the expected state; last scrape:\n" + string.Join('\n', last.Where(kv => kv.Key.StartsWith("ivr_", StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}")));
    }
}

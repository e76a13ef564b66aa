using System.Globalization;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.Ops;

/// <summary>
/// The real <c>ivr serve</c> named with <c>--set Cluster:Node=n7</c>: after a sipp call (so call counters and histograms
/// exist), every sample on <c>/metrics</c> carries <c>node="n7"</c> — what lets one Prometheus sum several nodes by node.
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.B)]
public class MetricsNodeLabelTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Metrics_OfANodeNamedN7_CarryNodeN7_OnEverySample_CountersGaugesHistogramsAndTargetInfo()
    {
        await using var engine = await EngineProcess.StartAsync("--set", "Cluster:Node=n7");
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture)), Timeout = TimeSpan.FromSeconds(30) };
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, engine.Target, "-sn", "uac", "-s", "hotline", "-m", "1", "-d", "1000", "-rtp_echo");
        var exit = await sipp.WaitAsync(Bound);
        var samples = await ScrapeUntilAsync(http, s => s.Any(x => x.Name == "ivr_calls_duration_seconds_count"));

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        Assert.All(samples, s => Assert.True(s.Labels.GetValueOrDefault("node") == "n7", "a sample without node=\"n7\": " + s.Line));
        var names = samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("target_info", names);
        Assert.Contains("ivr_calls_started_total", names);
        Assert.Contains("ivr_calls_active", names);
        Assert.Contains("ivr_calls_duration_seconds_bucket", names);
        Assert.Contains("ivr_sip_requests_total", names);
        Assert.Contains("ivr_media_rtp_packets_sent_total", names);
        Assert.True(samples.Count > 100, $"{samples.Count} samples: the whole scrape was read");
    }

    /// <summary>Scrapes every 100 ms (each a real read) until <paramref name="done"/> holds; throws after <see cref="Bound"/>.</summary>
    private static async Task<List<(string Line, string Name, Dictionary<string, string> Labels)>> ScrapeUntilAsync(
        HttpClient http, Func<List<(string Line, string Name, Dictionary<string, string> Labels)>, bool> done)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        List<(string Line, string Name, Dictionary<string, string> Labels)> last;
        do
        {
            last = PrometheusText.SampleLines(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
            if (done(last)) return last;
        }
        while (elapsed.Elapsed < Bound && await ticks.WaitForNextTickAsync());
        throw new TimeoutException("not reached; last scrape:\n" + string.Join("\n", last.Select(s => s.Line)));
    }
}

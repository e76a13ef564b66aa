using System.Text.Json;

namespace Ivr.Tests.Ops;

/// <summary>
/// The node's name and the cluster's members on a real engine host (Kestrel, Akka, OpenTelemetry's exporter, in-process
/// SIP and media): from the single node's own view, and from a <see cref="FakeClusterMembership"/> of three members.
/// </summary>
public class ClusterStatusTests
{
    [Fact]
    public async Task ApiStatus_OfASingleNode_NamesItFromClusterNode_AsTheOnlyMember()
    {
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugs, new Dictionary<string, string?> { ["Cluster:Node"] = "solo" });

        using var status = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("/api/status", UriKind.Relative)));

        var root = status.RootElement;
        Assert.Equal("solo", root.GetProperty("node").GetProperty("name").GetString());
        Assert.True(root.GetProperty("node").GetProperty("ready").GetBoolean());
        Assert.False(root.GetProperty("cluster").GetProperty("clustered").GetBoolean());
        var self = Assert.Single(root.GetProperty("cluster").GetProperty("members").EnumerateArray().ToList());
        Assert.Equal(("solo", "up", true, true, ""),
            (self.GetProperty("node").GetString(), self.GetProperty("state").GetString(), self.GetProperty("self").GetBoolean(), self.GetProperty("leader").GetBoolean(), self.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task ApiStatusAndMetrics_WithAFakeClusterOfThree_ShowEveryMember_AndLabelEverySeriesWithThisNode()
    {
        var cluster = FakeClusterMembership.ThreeWithOneUnreachable();
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugsIn(cluster));

        using var status = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("/api/status", UriKind.Relative)));
        var metrics = PrometheusText.SampleLines(await host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        var root = status.RootElement;
        Assert.Equal("n1", root.GetProperty("node").GetProperty("name").GetString());
        Assert.True(root.GetProperty("cluster").GetProperty("clustered").GetBoolean());
        var members = root.GetProperty("cluster").GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("node").GetString(), m.GetProperty("state").GetString(), m.GetProperty("self").GetBoolean(), m.GetProperty("leader").GetBoolean()))
            .ToList();
        Assert.Equal([("n1", "up", true, false), ("n2", "up", false, true), ("n3", "unreachable", false, false)], members);
        Assert.True(metrics.Count > 20, "the engine publishes its series");
        Assert.All(metrics, s => Assert.True(s.Labels.GetValueOrDefault("node") == "n1", "no node=\"n1\": " + s.Line));
    }
}

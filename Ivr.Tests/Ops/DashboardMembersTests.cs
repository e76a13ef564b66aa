using Ivr.Tests.EndToEnd;

namespace Ivr.Tests.Ops;

/// <summary>
/// The dashboard's members panel and header in headless chromium, over a real engine host whose cluster is a
/// <see cref="FakeClusterMembership"/> of three (one unreachable): every member with its state, the leader and this node,
/// and the panel following a membership change like the other panels (server-sent events, no reload).
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.B)]
public class DashboardMembersTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task MembersPanel_ShowsEveryMemberOfAFakeClusterOfThree_AndFollowsAMembershipChange()
    {
        var browserDir = BrowserTools.EnsureInstalled();
        var cluster = FakeClusterMembership.ThreeWithOneUnreachable();
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugsIn(cluster));
        using var browser = BrowserTools.Start(browserDir, "members-check.mjs", host.Http.BaseAddress!.ToString().TrimEnd('/'), "3");

        var first = await browser.NextEventAsync(Bound);
        // n3 is downed by the others and n4 joins.
        cluster.Set(
            FakeClusterMembership.Member("n1", 2, "up", self: true),
            FakeClusterMembership.Member("n2", 3, "up", leader: true),
            FakeClusterMembership.Member("n3", 4, "down"),
            FakeClusterMembership.Member("n4", 5, "joining"));
        var updated = await browser.NextEventAsync(Bound);

        Assert.True(first.GetProperty("event").GetString() == "members", "the panel did not show: " + first + "\n" + browser.Errors);
        Assert.True(updated.GetProperty("event").GetString() == "updated", "the panel did not follow: " + updated + "\n" + browser.Errors);
        Assert.Empty(first.GetProperty("problems").EnumerateArray());
        Assert.Empty(updated.GetProperty("problems").EnumerateArray());
        Assert.Equal("n1", first.GetProperty("node").GetString());
        Assert.Equal("Ivr n1 — live", first.GetProperty("title").GetString());
        Assert.Equal("· 3 members · 1 unreachable", first.GetProperty("summary").GetString());
        Assert.Equal(
            [("n1", "up", "", "this node", "akka.tcp://ivr@127.0.0.2:4053", "ivr"), ("n2", "up", "leader", "", "akka.tcp://ivr@127.0.0.3:4053", "ivr"), ("n3", "unreachable", "", "", "akka.tcp://ivr@127.0.0.4:4053", "ivr")],
            Rows(first));
        var members = first.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([true, false, false], members.Select(m => m.GetProperty("self").GetBoolean()));
        Assert.Contains("state-unreachable", members[2].GetProperty("stateClass").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(members[0].GetProperty("stateColor").GetString(), members[2].GetProperty("stateColor").GetString());

        Assert.Equal("· 4 members", updated.GetProperty("summary").GetString());
        Assert.Equal(["up", "up", "down", "joining"], Rows(updated).Select(r => r.State));
        Assert.Equal("n4", Rows(updated)[3].Node);
    }

    private static List<(string Node, string State, string Leader, string Self, string Address, string Roles)> Rows(System.Text.Json.JsonElement e) =>
        e.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("cells")).Select(c => (
            c.GetProperty("node").GetString()!, c.GetProperty("state").GetString()!, c.GetProperty("leader").GetString()!,
            c.GetProperty("self").GetString()!, c.GetProperty("address").GetString()!, c.GetProperty("roles").GetString()!)).ToList();
}

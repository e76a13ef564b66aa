using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Storage;
using Xunit.Abstractions;

namespace Ivr.Tests.Cluster;

/// <summary>
/// A rolling restart of the whole cluster under load: a real PostgreSQL, three real clustered <c>ivr serve</c> nodes
/// (<see cref="ClusterRig"/>, every node a seed) behind a real Kamailio, sipp callers through Kamailio at 10 calls/s for the
/// whole restart; each node in turn is drained (SIGTERM), waited for, started again on the same address and ports, and
/// waited for until it is back in the cluster and in Kamailio's set.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RollingRestartTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _flows = Directory.CreateTempSubdirectory("ivr-rolling-flows-").FullName;

    [Fact]
    public async Task RollingRestart_EachNodeDrainedStoppedStarted_Under10CallsPerSecond_NoCallFails_WaitingCallersDeliveredInOrder()
    {
        // Two flows: "hold" (a menu that waits) for the load, so the load never enters the billing line; "hotline" (the
        // queue) for the callers that wait for the agent across the router's move.
        foreach (var file in new[] { "queue/queue.json", "e2e/dtmf-branch.json" })
            File.Copy(Path.Combine(RepoPaths.Root, "Ivr.Tests", "TestData", "flows", file), Path.Combine(_flows, Path.GetFileName(file)));
        var agentPort = SippProcess.FreeUdpPort();
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await ClusterRig.StartAsync(agentPort, flows: _flows, everyNodeSeeds: true, extra:
        [
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString,
            "--set", "Flows:Map:hold=dtmf-branch",
            "--set", "Calls:DrainTimeout=00:00:30",
            "--set", "Speech:Engine=none",
        ]);
        var targets = Enumerable.Range(0, 3).Select(rig.SipTarget).ToList();
        await using var kamailio = await KamailioProcess.StartAsync(targets);
        var allActive = targets.ToDictionary(t => "sip:" + t, _ => "AP");
        await kamailio.WaitForStatesAsync(allActive, TimeSpan.FromSeconds(30));
        var routerHost = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        // The router's node last: the waiting callers then cross its move, with the two others already restarted.
        var order = Enumerable.Range(0, 3).Where(i => i != routerHost).Append(routerHost).ToList();

        // The load: 10 calls/s through Kamailio, each held 3 s by the caller (then its BYE along the route set), until
        // SIGUSR1 tells sipp to place no more and exit once its calls are over. Every INVITE→200 is traced.
        using var load = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), TimeSpan.FromMinutes(15),
            [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hold", "-m", "100000", "-r", "10", "-d", "3000",
             "-trace_stat", "-fd", "1", "-trace_rtt", "-rtt_freq", "1"]);
        var loadClock = Stopwatch.StartNew();
        var callers = new List<SippProcess>();
        try
        {
            await WaitForStartedAsync(rig, Enumerable.Range(0, 3), TimeSpan.FromSeconds(30));
            foreach (var node in order)
            {
                var others = Enumerable.Range(0, 3).Where(i => i != node).ToList();
                var started = loadClock.Elapsed;
                if (node == routerHost)
                {
                    // Three callers wait in the billing line in a known order, the second on the router's own node.
                    int[] nodeOf = [others[0], node, others[1]];
                    var firstEntered = Stopwatch.StartNew();
                    for (var k = 1; k <= nodeOf.Length; k++)
                    {
                        callers.Add(rig.QueueCaller(nodeOf[k - 1], k, Bound));
                        await rig.WaitForWaitingAsync(others[0], k, TimeSpan.FromSeconds(30));
                    }
                    // Still the router's node (nothing moved it while the other two restarted and the callers entered).
                    Assert.Equal(node, rig.RouterHost());
                    var before = await rig.QueueAsync(others[1]) ?? throw new InvalidOperationException("no billing line before the SIGTERM");
                    var longestBefore = before.GetProperty("longestWaitSeconds").GetDouble();
                    var sinceBefore = Stopwatch.StartNew();
                    var signalled = Stopwatch.StartNew();
                    await rig.BeginStopAsync(node);
                    // The drain hands the router off at once: a new incarnation on another node, rebuilt with all three
                    // callers (the draining node's own one re-announced through its proxy) while the node still drains.
                    var moved = await WaitForAsync(() => rig.RouterHost() is { } h && h != node, TimeSpan.FromSeconds(30), "router moved:\n" + rig.AllLogs());
                    var newHost = rig.RouterHost()!.Value;
                    await rig.Nodes[newHost].WaitForLogAsync("rebuilt:", TimeSpan.FromSeconds(30));
                    var rebuilt = signalled.Elapsed;
                    await rig.WaitForWaitingAsync(others[0], 3, TimeSpan.FromSeconds(30));
                    await rig.WaitForWaitingAsync(others[1], 3, TimeSpan.FromSeconds(30));
                    var line = await rig.QueueAsync(others[1]) ?? throw new InvalidOperationException("no billing line");
                    output.WriteLine(string.Join("\n", rig.Nodes[newHost].Log.Split('\n').Where(l => l.Contains("Router incarnation", StringComparison.Ordinal))));
                    Assert.False(rig.Nodes[node].HasExited, "the router's node exited before the router moved: the hand-off did not happen at the drain's start");
                    // A graceful hand-off, not a lost node's ~11 s (failure detector, resolver, removal): bounded loosely for a loaded box.
                    Assert.True(rebuilt < TimeSpan.FromSeconds(10), $"the router decided again only {rebuilt} after SIGTERM");
                    output.WriteLine($"router node {node} drained: new incarnation on node {rig.RouterHost()} {moved.TotalSeconds:F2} s after SIGTERM; " +
                                     $"rebuilt (decisions again) {rebuilt.TotalSeconds:F2} s after SIGTERM; longest wait shown {line.GetProperty("longestWaitSeconds").GetDouble():F1} s, " +
                                     $"the first caller entered {firstEntered.Elapsed.TotalSeconds:F1} s ago");
                    Assert.Equal(3, line.GetProperty("waiting").GetInt32());
                    // Their places kept their entry times: the longest wait grew by the wall time between the two reads (1 s for
                    // the snapshots' age), it did not start again at the new incarnation.
                    var between = sinceBefore.Elapsed.TotalSeconds;
                    var longestAfter = line.GetProperty("longestWaitSeconds").GetDouble();
                    Assert.True(longestAfter >= longestBefore + between - 1,
                        $"longest wait {longestAfter:F1} s after the move, {longestBefore:F1} s just before the SIGTERM {between:F1} s earlier: entry times lost");

                    // The agent gets ready on a node that stays: the three are delivered in their order, the draining node's too.
                    using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "3", "-d", "300");
                    using (var ready = await rig.SetAgentStateAsync(others[0], "a1", "ready"))
                        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
                    foreach (var caller in callers)
                        Assert.True(await caller.WaitAsync(Bound) == 0, "a waiting caller failed:\n" + caller.Output + "\n" + rig.AllLogs());
                    Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\n" + rig.AllLogs());
                    Assert.Equal(0, await rig.WaitForStopAsync(node, Bound));
                }
                else
                {
                    Assert.Equal(0, await rig.StopAsync(node, Bound));
                }
                var stopped = loadClock.Elapsed;
                output.WriteLine(string.Join("\n", rig.PreviousLog(node).Split('\n').Where(l => l.Contains("rain", StringComparison.Ordinal) || l.Contains("Router", StringComparison.Ordinal) || l.Contains("Cluster", StringComparison.Ordinal) || l.Contains("eav", StringComparison.Ordinal))));
                await rig.RestartAsync(node);
                await kamailio.WaitForStatesAsync(allActive, TimeSpan.FromSeconds(30));
                // Back in the cluster: the restarted node's peer has greeted the router and it shows the cluster's line.
                await WaitForAsync(async () => await rig.QueueAsync(node) is not null, TimeSpan.FromSeconds(30), $"node {node} shows no billing line after its restart");
                output.WriteLine($"node {node}: drained and exited after {(stopped - started).TotalSeconds:F1} s, back in Kamailio's set and the cluster after {(loadClock.Elapsed - started).TotalSeconds:F1} s");
            }
            // Every node takes calls again after its restart (its counters started at its new start).
            await WaitForStartedAsync(rig, Enumerable.Range(0, 3), TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (var caller in callers) caller.Dispose();
            using var usr1 = Process.Start("kill", ["-USR1", load.Id.ToString(CultureInfo.InvariantCulture)])!;
            await usr1.WaitForExitAsync();
        }
        var exit = await load.WaitAsync(TimeSpan.FromSeconds(60));

        // sipp's own count: every call it placed succeeded (its last statistics line, and its exit code).
        var stats = ReadStats(load.WorkDir);
        var rtt = File.ReadLines(Directory.GetFiles(load.WorkDir, "*_rtt.csv").Single()).Skip(1).Select(l => l.Split(';'))
            .Where(f => f.Length >= 2).Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToList();
        var sorted = rtt.Order().ToList();
        var figures = new List<NodeCalls>();
        for (var i = 0; i < 3; i++) figures.Add(await CallsAsync(rig, i));
        output.WriteLine($"load: {stats["TotalCallCreated"]} calls in {loadClock.Elapsed.TotalSeconds:F0} s, successful {stats["SuccessfulCall(C)"]}, failed {stats["FailedCall(C)"]}; " +
                         $"INVITE→200 p50 {sorted[sorted.Count / 2]:F0} ms, p99 {sorted[(int)(sorted.Count * 0.99)]:F0} ms, max {sorted[^1]:F0} ms over {sorted.Count} calls; sipp exit {exit}");
        output.WriteLine("calls started per node since its restart: " + string.Join(", ", figures.Select(f => f.Started)));
        output.WriteLine("Kamailio failovers: " + kamailio.Log.Split('\n').Count(l => l.Contains("failed for INVITE", StringComparison.Ordinal)));
        Assert.True(stats["FailedCall(C)"] == 0, $"{stats["FailedCall(C)"]} calls failed:\n{load.Output}");
        Assert.Equal(stats["TotalCallCreated"], stats["SuccessfulCall(C)"]);
        Assert.True(stats["TotalCallCreated"] >= 300, $"only {stats["TotalCallCreated"]} calls placed");
        Assert.Equal(0, exit);
        Assert.All(figures, f => Assert.True(f.Started > 0, "a node took no call after its restart: " + string.Join("; ", figures)));

        // The three waiting callers reached the agent in the order they entered, once each, across the router's move.
        var deliveries = rig.Deliveries();
        output.WriteLine("deliveries: " + string.Join(", ", deliveries.Select(d => $"{d.CallId.Split('-')[0]}@n{d.Node}")));
        Assert.Equal(["caller01", "caller02", "caller03"], deliveries.Select(d => d.CallId.Split('-')[0]));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_flows, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits (bounded) until every node in <paramref name="nodes"/> has started at least one call.</summary>
    private static async Task WaitForStartedAsync(ClusterRig rig, IEnumerable<int> nodes, TimeSpan timeout) =>
        await WaitForAsync(async () =>
        {
            foreach (var i in nodes)
                if ((await CallsAsync(rig, i)).Started == 0) return false;
            return true;
        }, timeout, "a node took no call");

    private static async Task<NodeCalls> CallsAsync(ClusterRig rig, int index)
    {
        var calls = (await Http.GetFromJsonAsync<JsonElement>(rig.Api(index) + "/api/status")).GetProperty("calls");
        return new NodeCalls(calls.GetProperty("active").GetInt64(), calls.GetProperty("started").GetInt64(), calls.GetProperty("failed").GetInt64(), 0,
            new Dictionary<string, long>());
    }

    private static Task<TimeSpan> WaitForAsync(Func<bool> done, TimeSpan timeout, string what) =>
        WaitForAsync(() => Task.FromResult(done()), timeout, what);

    private static async Task<TimeSpan> WaitForAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await done()) return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"not within {timeout}: {what}");
    }

    /// <summary>sipp's last <c>-trace_stat</c> line, by column name.</summary>
    private static Dictionary<string, long> ReadStats(string workDir)
    {
        var lines = File.ReadAllLines(Directory.GetFiles(workDir, "*_.csv").Single()).Where(l => l.Length > 0).ToList();
        var names = lines[0].Split(';');
        var values = lines[^1].Split(';');
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length && i < values.Length; i++)
            if (long.TryParse(values[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) stats[names[i]] = n;
        return stats;
    }
}

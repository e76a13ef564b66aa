using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Storage;
using Xunit.Abstractions;

namespace Ivr.Tests.Cluster;

/// <summary>
/// The whole cluster together: a real PostgreSQL, three real <c>ivr serve</c> nodes clustered (<see cref="ClusterRig"/>,
/// <c>Storage:Provider=postgres</c> on one shared database) and a real Kamailio in front of them; sipp callers, customer and
/// agent.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Calls_300At30PerSecondThroughKamailioToThreeClusteredNodesOnPostgres_EachTakesAFifthNoneFails_CallbackBookedOnOneIsDialledOnceByTheRoutersNode()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var customerPort = SippProcess.FreeUdpPort();
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await ClusterRig.StartAsync(agentPort, extra:
        [
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString,
            "--set", "Routing:CallbackTrunk=sip:{number}@127.0.0.1:" + customerPort.ToString(CultureInfo.InvariantCulture),
            "--set", "Routing:CallbackRetryBackoff=00:00:02",
        ]);
        var targets = Enumerable.Range(0, 3).Select(rig.SipTarget).ToList();
        await using var kamailio = await KamailioProcess.StartAsync(targets);
        await kamailio.WaitForStatesAsync(targets.ToDictionary(t => "sip:" + t, _ => "AP"), TimeSpan.FromSeconds(30));
        var host = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));

        // 300 short calls at 30/s through Kamailio (each enters the queue flow, the caller hangs up after 1 s) to the three
        // clustered nodes on PostgreSQL: each node takes at least a fifth, none fails, none is rejected.
        using (var callers = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), Bound,
                   [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hotline", "-m", "300", "-r", "30", "-l", "100", "-d", "1000"]))
            Assert.True(await callers.WaitAsync(Bound) == 0, callers.Output + "\n" + rig.AllLogs());
        var calls = new JsonElement[3];
        for (var i = 0; i < 3; i++) calls[i] = await CallsAsync(rig, i);
        var started = calls.Select(c => c.GetProperty("started").GetInt64()).ToArray();
        output.WriteLine($"router on node {host}; calls started through Kamailio per node: {string.Join(", ", started)}");
        // An INVITE a loaded node did not acknowledge within 1.5 s is failed over by Kamailio; the slow node may still take it.
        var failovers = kamailio.Log.Split('\n').Count(l => l.Contains("failed for INVITE", StringComparison.Ordinal));
        Assert.InRange(started.Sum(), 300, 300 + failovers);
        Assert.All(started, s => Assert.True(s >= 60, $"a node took under 20 % of 300 calls: {string.Join(", ", started)}"));
        Assert.All(calls, c => Assert.Equal(0, c.GetProperty("failed").GetInt64()));
        Assert.All(calls, c => Assert.Empty(c.GetProperty("rejected").EnumerateObject()));

        // A callback booked on a node that does not host the router is a row in PostgreSQL.
        var booker = (host + 1) % 3;
        using (var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.SipTarget(booker),
                   "-sf", SippProcess.Scenario("uac_callback_dtmf.xml"), "-s", "hotline", "-m", "1", "-key", "caller", "+33612345678"))
            Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\n" + rig.AllLogs());
        await rig.Nodes[booker].WaitForLogAsync("ended: hangup:callback-booked", Bound);
        var booked = Assert.Single(await PendingAsync(connectionString));
        Assert.Equal("+33612345678", booked.Number);

        // The agent gets ready: the customer (sipp UAS on the trunk) is called back and bridged to the agent, once.
        using var media = new PatternRtpPeer();
        using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        using var customer = SippProcess.Start(customerPort, Bound, "-sf", SippProcess.Scenario("uas_customer_answer_bye.xml"), "-m", "1", "-d", "7000",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));
        using (var ready = await rig.SetAgentStateAsync(booker, "a1", "ready"))
            Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        Assert.True(await customer.WaitAsync(Bound) == 0, "customer sipp failed:\n" + customer.Output + "\n" + rig.AllLogs());
        Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\n" + rig.AllLogs());
        var id = booked.Id.ToString(CultureInfo.InvariantCulture);
        await rig.Nodes[host].WaitForLogAsync($"Callback {id} attempt ended: Connected", Bound);

        var answered = Count(rig, $"Callback {id}: customer answered");
        var rung = Count(rig, $"Callback {id}: ringing agent a1");
        output.WriteLine($"callback {id} booked on node {booker}; customer answered per node: {string.Join(", ", answered)}; agent rung per node: {string.Join(", ", rung)}");
        Assert.Equal(1, answered.Sum());
        Assert.Equal(1, answered[host]);
        Assert.Equal(1, rung.Sum());
        Assert.Empty(await PendingAsync(connectionString));
    }

    [Fact]
    public async Task Kill9_RoutersNodeWhile99CallsAreUp_SurvivorsCallsGoOn_NewCallsAnsweredWithin3s_LineRebuiltWithin15sWithOriginalWaits()
    {
        // 99 held calls, about 33 per node: the most this shared 2-core box carries reliably next to Kamailio and sipp.
        const int held = 99;
        var agentPort = SippProcess.FreeUdpPort();
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await ClusterRig.StartAsync(agentPort, extra:
        [
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString,
        ]);
        var targets = Enumerable.Range(0, 3).Select(rig.SipTarget).ToList();
        await using var kamailio = await KamailioProcess.StartAsync(targets);
        await kamailio.WaitForStatesAsync(targets.ToDictionary(t => "sip:" + t, _ => "AP"), TimeSpan.FromSeconds(30));
        var victim = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        var survivors = Enumerable.Range(0, 3).Where(i => i != victim).ToList();

        // 99 callers through Kamailio wait in the queue (the agent is away) and hang up themselves after 60 s.
        using var callers = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), Bound,
            [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hotline",
             "-m", held.ToString(CultureInfo.InvariantCulture), "-r", "15", "-l", held.ToString(CultureInfo.InvariantCulture), "-d", "60000"]);
        var heldSince = System.Diagnostics.Stopwatch.StartNew();
        await rig.WaitForWaitingAsync(survivors[0], held, TimeSpan.FromSeconds(60));
        var activeAtKill = new long[3];
        for (var i = 0; i < 3; i++) activeAtKill[i] = await ActiveAsync(rig, i);
        var survivorsHeld = survivors.Sum(i => activeAtKill[i]);
        output.WriteLine($"router on node {victim}; calls up per node at the kill: {string.Join(", ", activeAtKill)}");
        Assert.Equal(held, activeAtKill.Sum());

        var killed = System.Diagnostics.Stopwatch.StartNew();
        await rig.KillAsync(victim);
        var waitedAtKill = heldSince.Elapsed;
        // New calls from the moment it died: 20 at 10/s through Kamailio, INVITE→200 of each traced.
        using (var probe = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), Bound,
                   [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hotline", "-m", "20", "-r", "10", "-d", "500", "-trace_rtt", "-rtt_freq", "1"]))
        {
            var outOfSet = await kamailio.WaitForStatesAsync(new Dictionary<string, string> { ["sip:" + targets[victim]] = "IP" }, TimeSpan.FromSeconds(10));
            var markedAfter = killed.Elapsed;
            Assert.True(await probe.WaitAsync(Bound) == 0, probe.Output);
            var responseTimes = File.ReadLines(Directory.GetFiles(probe.WorkDir, "*_rtt.csv").Single())
                .Skip(1).Select(l => l.Split(';')).Where(f => f.Length >= 2)
                .Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(20, responseTimes.Count);
            var worst = TimeSpan.FromMilliseconds(responseTimes.Max());
            output.WriteLine($"killed node out of Kamailio's set after {markedAfter.TotalMilliseconds:F0} ms; new calls 20/20 answered, INVITE→200 worst {worst.TotalMilliseconds:F0} ms");
            Assert.True(worst < TimeSpan.FromSeconds(3), $"a new call waited {worst} for its 200 after the kill");
        }

        // The line is rebuilt on a survivor from the survivors' callers, with the time each entered (not re-entered now).
        var rebuilt = await rig.WaitForWaitingAsync(survivors[0], (int)survivorsHeld, TimeSpan.FromSeconds(30));
        // The other survivor's view, read until it shows the whole line too (a view taken a moment earlier may still be the
        // empty line of the incarnation's first snapshot), so waiting and longest wait come from one snapshot.
        JsonElement line = default;
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!bound.IsCancellationRequested
                   && !(await rig.QueueAsync(survivors[1]) is { } q && (line = q).GetProperty("waiting").GetInt32() == survivorsHeld))
                await Task.Delay(100);
        }
        Assert.Equal(survivorsHeld, line.ValueKind == JsonValueKind.Object ? line.GetProperty("waiting").GetInt32() : -1);
        var sinceKill = killed.Elapsed;
        var longest = TimeSpan.FromSeconds(line.GetProperty("longestWaitSeconds").GetDouble());
        output.WriteLine($"line rebuilt with the {survivorsHeld} survivors' callers {killed.Elapsed.TotalSeconds:F1} s after the kill (poll {rebuilt.TotalSeconds:F1} s); " +
                         $"longest wait {longest.TotalSeconds:F1} s, callers had waited up to {waitedAtKill.TotalSeconds:F1} s at the kill; new router on node {rig.RouterHost()}");
        Assert.True(rig.RouterHost() is { } h && h != victim, $"router host after the kill: {rig.RouterHost()}");
        // The first caller entered before the kill, so its wait is longer than the time since the kill; a line whose callers
        // re-entered at the rebuild (several seconds after the kill) would show less. 1 s for the status snapshot's age.
        Assert.True(longest > sinceKill - TimeSpan.FromSeconds(1), $"longest wait {longest}, {sinceKill} after the kill: entry times lost");
        // Issue 13: the lost node's shard runs elsewhere within 15 s (the line as shown is complete by then).
        Assert.True(sinceKill < TimeSpan.FromSeconds(15), $"the line was rebuilt {sinceKill} after the kill");

        // Every call on the survivors went on until its caller hung up: none failed, none cut.
        await callers.WaitAsync(Bound);
        foreach (var i in survivors)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>(rig.Api(i) + "/api/status");
            var calls = status.GetProperty("calls");
            var started = calls.GetProperty("started").GetInt64();
            var byCaller = calls.GetProperty("ended").TryGetProperty("caller-hangup", out var n) ? n.GetInt64() : 0;
            output.WriteLine($"survivor {i}: {calls}");
            Assert.Equal(0, calls.GetProperty("failed").GetInt64());
            Assert.Equal(0, calls.GetProperty("active").GetInt64());
            Assert.Equal(started, byCaller);
        }
    }

    [Fact]
    public async Task FrozenNode_DownedWhileStoppedThenContinued_DoesNotRejoinAsIfNothingHappened_NoCallerDeliveredTwice()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await ClusterRig.StartAsync(agentPort, extra:
        [
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString,
            "--set", "Cluster:DownAfter=00:00:03",
        ]);
        var host = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        var frozen = (host + 1) % 3;
        var other = (host + 2) % 3;
        // Callers 1 and 4 wait on the node that will freeze, 2 on the router's, 3 on the third.
        int[] nodeOf = [frozen, host, other, frozen];
        var calls = new List<SippProcess>();
        try
        {
            for (var k = 1; k <= nodeOf.Length; k++)
            {
                calls.Add(rig.QueueCaller(nodeOf[k - 1], k, Bound));
                await rig.WaitForWaitingAsync(host, k, TimeSpan.FromSeconds(30));
            }

            await SignalAsync(rig.Nodes[frozen].Id, "STOP");
            // Past DownAfter (3 s) plus the failure detector (about 5 s): the others down it, and the router drops its callers.
            var downed = await rig.WaitForWaitingAsync(host, 2, TimeSpan.FromSeconds(40));
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = rig.Nodes[frozen].Log.Length;
            await SignalAsync(rig.Nodes[frozen].Id, "CONT");
            var continued = System.Diagnostics.Stopwatch.StartNew();
            // At once the agent gets ready (the continued node meanwhile finds itself downed): the two callers of the nodes that
            // stayed are delivered, once each, in their order; the frozen node's callers never (they ended with it), and the
            // agent is rung twice only.
            using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "2", "-d", "300");
            using (var ready = await rig.SetAgentStateAsync(other, "a1", "ready"))
                Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
            Assert.True(await calls[1].WaitAsync(Bound) == 0, calls[1].Output + "\n" + rig.AllLogs());
            Assert.True(await calls[2].WaitAsync(Bound) == 0, calls[2].Output + "\n" + rig.AllLogs());
            Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\n" + rig.AllLogs());
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            {
                while (!rig.Nodes[frozen].HasExited && !bound.IsCancellationRequested) await Task.Delay(200);
            }
            var exitedAfter = continued.Elapsed;
            var after = rig.Nodes[frozen].Log[before..];
            var shutdownAt = after.IndexOf("Node has been marked as DOWN. Shutting down myself", StringComparison.Ordinal);
            output.WriteLine($"node {frozen} frozen; its callers left the line after {downed.TotalSeconds:F1} s; after SIGCONT it exited: {rig.Nodes[frozen].HasExited} ({exitedAfter.TotalSeconds:F1} s)");
            // It found itself downed and shut down (Akka's coordinated shutdown), rather than serving on as a member.
            Assert.True(shutdownAt >= 0, "the continued node did not shut itself down:\n" + after);
            Assert.True(rig.Nodes[frozen].HasExited, $"the continued node still runs {exitedAfter} after SIGCONT:\n" + after);
            Assert.Equal(3, rig.Nodes[frozen].ExitCode);
            Assert.Contains("was downed by the others (unreachable longer than Cluster:DownAfter); it stops now", after, StringComparison.Ordinal);

            var deliveries = rig.Deliveries();
            output.WriteLine("deliveries: " + string.Join(", ", deliveries.Select(d => $"{d.CallId.Split('-')[0]}@n{d.Node}")));
            Assert.Equal(["caller02", "caller03"], deliveries.Select(d => d.CallId.Split('-')[0]));
        }
        finally
        {
            foreach (var call in calls) call.Dispose();
        }
    }

    [Fact]
    public async Task FrozenRoutersNode_DownedWhileStopped_ExitsWithCode3_SurvivorsCallersReannouncedInOrder_NoCallerDeliveredTwice()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await ClusterRig.StartAsync(agentPort, extra:
        [
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString,
            "--set", "Cluster:DownAfter=00:00:03",
        ]);
        var frozen = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        var first = (frozen + 1) % 3;
        var second = (frozen + 2) % 3;
        // Callers 1 and 4 wait on the router's node, which will freeze; 2 and 3 on the two others.
        int[] nodeOf = [frozen, first, second, frozen];
        var calls = new List<SippProcess>();
        try
        {
            for (var k = 1; k <= nodeOf.Length; k++)
            {
                calls.Add(rig.QueueCaller(nodeOf[k - 1], k, Bound));
                await rig.WaitForWaitingAsync(first, k, TimeSpan.FromSeconds(30));
            }

            var stopped = System.Diagnostics.Stopwatch.StartNew();
            await SignalAsync(rig.Nodes[frozen].Id, "STOP");
            // The others down it (failure detector + DownAfter), the shard starts on one of them and the two survivors' callers
            // are re-announced into the new incarnation's line.
            await rig.WaitForWaitingAsync(first, 2, TimeSpan.FromSeconds(60));
            var rebuiltAfter = stopped.Elapsed;
            var newHost = rig.RouterHost();
            Assert.True(newHost is { } h && h != frozen, $"router host after the freeze: {newHost}\n" + rig.AllLogs());
            var line = await rig.QueueAsync(second) ?? throw new InvalidOperationException("no billing line");
            var longest = TimeSpan.FromSeconds(line.GetProperty("longestWaitSeconds").GetDouble());
            // Caller 2 entered before the freeze: its original wait, not one counted from the rebuild.
            Assert.True(longest > stopped.Elapsed - TimeSpan.FromSeconds(1), $"longest wait {longest}, {stopped.Elapsed} after the freeze: entry times lost");

            var before = rig.Nodes[frozen].Log.Length;
            await SignalAsync(rig.Nodes[frozen].Id, "CONT");
            var continued = System.Diagnostics.Stopwatch.StartNew();
            // The agent gets ready at once (the continued node meanwhile finds itself downed): callers 2 and 3 are delivered,
            // once each and in their order; the frozen node's never (they ended with it), so the agent is rung twice only.
            using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "2", "-d", "300");
            using (var ready = await rig.SetAgentStateAsync(second, "a1", "ready"))
                Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
            Assert.True(await calls[1].WaitAsync(Bound) == 0, calls[1].Output + "\n" + rig.AllLogs());
            Assert.True(await calls[2].WaitAsync(Bound) == 0, calls[2].Output + "\n" + rig.AllLogs());
            Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\n" + rig.AllLogs());
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            {
                while (!rig.Nodes[frozen].HasExited && !bound.IsCancellationRequested) await Task.Delay(200);
            }
            var exitedAfter = continued.Elapsed;
            var after = rig.Nodes[frozen].Log[before..];
            output.WriteLine($"router's node {frozen} frozen; line rebuilt on node {newHost} with the 2 survivors' callers {rebuiltAfter.TotalSeconds:F1} s after SIGSTOP " +
                             $"(longest wait {longest.TotalSeconds:F1} s); after SIGCONT it exited: {rig.Nodes[frozen].HasExited} ({exitedAfter.TotalSeconds:F1} s)");
            Assert.True(rig.Nodes[frozen].HasExited, $"the continued node still runs {exitedAfter} after SIGCONT:\n" + after);
            Assert.Equal(3, rig.Nodes[frozen].ExitCode);
            Assert.Contains("was downed by the others (unreachable longer than Cluster:DownAfter); it stops now", after, StringComparison.Ordinal);

            var deliveries = rig.Deliveries();
            output.WriteLine("deliveries: " + string.Join(", ", deliveries.Select(d => $"{d.CallId.Split('-')[0]}@n{d.Node}")));
            Assert.Equal(["caller02", "caller03"], deliveries.Select(d => d.CallId.Split('-')[0]));
            Assert.All(deliveries, d => Assert.NotEqual(frozen, d.Node));
        }
        finally
        {
            foreach (var call in calls) call.Dispose();
        }
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static int[] Count(ClusterRig rig, string needle) =>
        [.. rig.Nodes.Select(n => Regex.Matches(n.Log, Regex.Escape(needle)).Count)];

    private static async Task<long> ActiveAsync(ClusterRig rig, int index) => (await CallsAsync(rig, index)).GetProperty("active").GetInt64();

    private static async Task<JsonElement> CallsAsync(ClusterRig rig, int index) =>
        (await Http.GetFromJsonAsync<JsonElement>(rig.Api(index) + "/api/status")).GetProperty("calls");

    /// <summary>The pending callbacks as another process reads them, on a connection of its own.</summary>
    private static async Task<IReadOnlyList<CallbackRecord>> PendingAsync(string connectionString)
    {
        await using var database = await PostgresDatabase.OpenAsync(connectionString);
        var store = await PostgresCallbackStore.OpenAsync(database, DateTimeOffset.UtcNow, lease: new CallbackLeaseOptions("test", TimeSpan.FromMinutes(1)));
        return await store.ListPendingAsync("billing");
    }
}

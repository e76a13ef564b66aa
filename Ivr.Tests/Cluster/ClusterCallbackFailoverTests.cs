using System.Diagnostics;
using System.Globalization;
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
/// Callbacks leased by a node that dies (<c>kill -9</c> of the router's node, which dials them): a real PostgreSQL, three real
/// <c>ivr serve</c> nodes (<see cref="ClusterRig"/>), a sipp customer UAS on the callback trunk that answers every number and
/// traces every INVITE it receives, sipp agents. Counts come from the customer's own trace and the PostgreSQL rows.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterCallbackFailoverTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ServedAfter = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Kill9_RoutersNodeWithCallbacksLeased_ServedOneNotRedialled_CutAndRingingOnesRedialledOnce_PendingOneDialledOnce_BySurvivor()
    {
        // Below the ephemeral range: no socket bound to port 0 meanwhile (sipp's media, the engines) can take one of these, and
        // a1's port is bound again by a second phone after the first is killed.
        var ports = new HashSet<int>();
        while (ports.Count < 4) ports.Add(SippProcess.FreeUdpPortBelowEphemeralRange());
        var (a1Port, a2Port, a3Port, customerPort) = (ports.ElementAt(0), ports.ElementAt(1), ports.ElementAt(2), ports.ElementAt(3));
        var connectionString = await server.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("ivr-cbkill-").FullName;
        try
        {
            // Three agents (the rig's own agents file has a1 only): extra arguments come last, so this file wins.
            var agentsFile = await WriteAgentsAsync(folder, ("a1", a1Port), ("a2", a2Port), ("a3", a3Port));
            await using var rig = await ClusterRig.StartAsync(a1Port, extra:
            [
                "--set", "Storage:Provider=postgres",
                "--set", "Storage:ConnectionString=" + connectionString,
                "--set", "Storage:CallbackLease=" + Lease.ToString("c", CultureInfo.InvariantCulture),
                "--set", "Routing:AgentsFile=" + agentsFile,
                "--set", "Routing:CallbackServedAfter=" + ServedAfter.ToString("c", CultureInfo.InvariantCulture),
                "--set", "Routing:CallbackTrunk=sip:{number}@127.0.0.1:" + customerPort.ToString(CultureInfo.InvariantCulture),
            ]);
            try
            {
                await KillWithCallbacksLeasedAsync(rig, folder, connectionString, customerPort, a1Port, a2Port, a3Port);
            }
            catch
            {
                output.WriteLine(rig.AllLogs());
                throw;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // The test's body once the cluster runs (the customer on the trunk's port 'customerPort', agents a1–a3 at their ports).
    private async Task KillWithCallbacksLeasedAsync(ClusterRig rig, string folder, string connectionString, int customerPort, int a1Port, int a2Port, int a3Port)
    {
        var victim = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        var survivors = Enumerable.Range(0, 3).Where(i => i != victim).ToList();
        var victimName = "n" + (victim + 1).ToString(CultureInfo.InvariantCulture);
        await using var database = await PostgresDatabase.OpenAsync(connectionString);
        var store = await PostgresCallbackStore.OpenAsync(database, DateTimeOffset.UtcNow, lease: new CallbackLeaseOptions("test", TimeSpan.FromMinutes(1)));

        // Four callbacks booked one after the other on a survivor, so their places are in this order.
        string[] numbers = ["+33612345601", "+33612345602", "+33612345603", "+33612345604"];
        foreach (var number in numbers)
        {
            using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.SipTarget(survivors[0]),
                "-sf", SippProcess.Scenario("uac_callback_dtmf.xml"), "-s", "hotline", "-m", "1", "-key", "caller", number);
            Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\n" + rig.AllLogs());
        }
        await WaitForAsync(async () => (await store.ListPendingAsync("billing")).Count == 4, "four callbacks pending", rig);
        var ids = (await store.ListPendingAsync("billing")).Select(c => c.Id).ToList();
        Assert.Equal(numbers, (await store.ListPendingAsync("billing")).Select(c => c.Number));

        // The customer answers every number and talks 60 s unless the agent hangs up first (its BYE after the kill goes
        // nowhere: only its INVITEs count).
        using var media = new PatternRtpPeer();
        var trace = Path.Combine(folder, "customer");
        Directory.CreateDirectory(trace);
        using var customer = SippProcess.Start(customerPort, TimeSpan.FromSeconds(300),
            "-sf", SippProcess.Scenario("uas_customer_answer_bye.xml"), "-d", "60000", "-trace_msg", "-message_file", Path.Combine(trace, "customer_messages.log"),
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));
        using var a1 = SippProcess.Start(a1Port, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        using var a2 = SippProcess.Start(a2Port, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        using var a3 = SippProcess.Start(a3Port, Bound, "-sf", SippProcess.Scenario("uas_agent_noanswer.xml"), "-m", "1");

        // 1: a1 takes the first callback and talks past ServedAfter (recorded in the row by the router's timer).
        await ReadyAsync(rig, survivors[0], "a1");
        await WaitForAsync(async () => await store.GetAsync(ids[0]) is { ConversationStartedAt: { } s, ConversationSeenAt: { } seen } && seen - s >= ServedAfter,
            "callback 1's talk recorded as lasting ServedAfter", rig);
        // A phone that could not bind its port would have exited at once (and another process would be answering for it).
        Assert.All(new[] { customer, a1, a2, a3 }, p => Assert.False(p.HasExited, "a phone did not start:\n" + p.Output));
        // 2: a3 never answers: the second callback's customer has answered and a3 rings (being dialled).
        await ReadyAsync(rig, survivors[0], "a3");
        await WaitForAsync(() => Task.FromResult(Count(rig, victim, $"Callback {ids[1]}: ringing agent a3") == 1), "callback 2 ringing a3", rig);
        // 3: a2 takes the third; killed as soon as its bridge is in the row (cut well before ServedAfter).
        await ReadyAsync(rig, survivors[0], "a2");
        await WaitForAsync(async () => await store.GetAsync(ids[2]) is { ConversationStartedAt: not null }, "callback 3 bridged", rig);
        await rig.KillAsync(victim);
        var killed = Stopwatch.StartNew();

        var atKill = new List<CallbackRecord>();
        foreach (var id in ids) atKill.Add(await store.GetAsync(id) ?? throw new InvalidOperationException($"callback {id} vanished"));
        output.WriteLine($"router on node {victim} ({victimName}) killed; rows at the kill:\n  " + string.Join("\n  ", atKill.Select(Describe)));
        Assert.All(atKill[..3], r => Assert.Equal((CallbackState.Dialling, victimName), (r.State, r.LeaseOwner)));
        Assert.True(atKill[0].ConversationSeenAt - atKill[0].ConversationStartedAt >= ServedAfter, Describe(atKill[0]));
        Assert.Null(atKill[1].ConversationStartedAt);
        Assert.True(atKill[2].ConversationSeenAt - atKill[2].ConversationStartedAt < ServedAfter, Describe(atKill[2]));
        Assert.Equal(CallbackState.Pending, atKill[3].State);

        // The leases lapse (Storage:CallbackLease after the last renewal) and the router, now on a survivor, settles them:
        // the served one Connected and named so, the other two back to Pending and named so. Nothing is dialled yet (all agents
        // come back away with the new incarnation).
        var settled = await WaitForAsync(async () =>
        {
            var rows = await Task.WhenAll(ids.Select(id => store.GetAsync(id)));
            return rows[0]!.State == CallbackState.Connected && rows[1..].All(r => r!.State == CallbackState.Pending);
        }, "the dead node's leases settled", rig);
        var afterRecovery = new List<CallbackRecord>();
        foreach (var id in ids) afterRecovery.Add((await store.GetAsync(id))!);
        output.WriteLine($"leases settled {killed.Elapsed.TotalSeconds:F1} s after the kill (poll {settled.TotalSeconds:F1} s), router now on node {rig.RouterHost()}:\n  "
                         + string.Join("\n  ", afterRecovery.Select(Describe)));
        Assert.StartsWith("Served: in conversation for at least 4 s when " + victimName, afterRecovery[0].LastOutcome, StringComparison.Ordinal);
        Assert.Equal("Interrupted: the lease of " + victimName + " expired", afterRecovery[1].LastOutcome);
        Assert.Equal("Interrupted: the lease of " + victimName + " expired", afterRecovery[2].LastOutcome);
        Assert.Null(afterRecovery[3].LastOutcome);
        Assert.Equal([1, 1, 1, 0], afterRecovery.Select(r => r.Attempts));

        // A survivor dials the three left, in their original order, each once: a1 (a fresh phone) answers each and hangs up after 1 s.
        a1.Dispose();
        await WaitForFreeUdpPortAsync(a1Port);
        using var again = SippProcess.Start(a1Port, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "3", "-d", "1000", "-rtp_echo");
        var host = rig.RouterHost() ?? throw new InvalidOperationException("no router");
        Assert.NotEqual(victim, host);
        await ReadyAsync(rig, survivors[0], "a1");
        Assert.True(await again.WaitAsync(Bound) == 0, "agent sipp failed:\n" + again.Output + "\n" + rig.AllLogs());
        await WaitForAsync(async () => (await Task.WhenAll(ids.Select(id => store.GetAsync(id)))).All(r => r!.State == CallbackState.Connected),
            "all four callbacks connected", rig);
        var final = new List<CallbackRecord>();
        foreach (var id in ids) final.Add((await store.GetAsync(id))!);
        var invites = InvitesByNumber(trace);
        output.WriteLine($"customer's message log: {SippMessageLog.Read(trace).Entries.Count} messages; customer sipp running: {!customer.HasExited}");
        var order = RingingOrder().Matches(rig.Nodes[host].Log).Select(m => long.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture)).ToList();
        output.WriteLine("final rows:\n  " + string.Join("\n  ", final.Select(Describe)));
        output.WriteLine("customer INVITEs per number (distinct Call-IDs): " + string.Join(", ", numbers.Select(n => $"{n}={InvitesTo(invites, n)}")));
        output.WriteLine($"dialled by node {host} in this order: {string.Join(", ", order)}; all settled {killed.Elapsed.TotalSeconds:F1} s after the kill");

        // 0 lost, 0 twice: the served one rang the customer once, the interrupted ones twice (once on each side of the kill), the
        // pending one once; the rows agree (attempts), and the survivor dialled in place order.
        Assert.Equal([1, 2, 2, 1], numbers.Select(n => InvitesTo(invites, n)));
        Assert.Equal([1, 2, 2, 1], final.Select(r => r.Attempts));
        Assert.Equal(afterRecovery[0].LastOutcome, final[0].LastOutcome);
        Assert.Equal(ids[1..], order);
        foreach (var i in survivors.Where(i => i != host))
            Assert.DoesNotMatch("Callback \\d+: customer answered", rig.Nodes[i].Log);
    }

    [Fact]
    public async Task RecoverAsync_AtASurvivorsStart_AfterTheDeadNodesLeasesLapsed_NamesTheDeadOwner_ServedVsInterrupted()
    {
        // A survivor's router often starts after the dead node's leases have lapsed, so its start recovery settles them (not the
        // periodic RecoverExpiredAsync): the rows must say whose lease it was, as RecoverExpiredAsync says it.
        var connectionString = await server.CreateDatabaseAsync();
        await using var database = await PostgresDatabase.OpenAsync(connectionString);
        var retry = new CallbackRetryPolicy(3, TimeSpan.FromSeconds(2)) { ServedAfter = ServedAfter };
        var t0 = DateTimeOffset.UtcNow;
        var n1 = await PostgresCallbackStore.OpenAsync(database, t0, retry, new CallbackLeaseOptions("n1", Lease));
        for (var k = 1; k <= 3; k++)
            await n1.BookAsync(new CallbackBooking($"k{k}", "billing", $"+3361234560{k}", null, t0.AddSeconds(k), t0.AddSeconds(k)));
        var served = (await n1.LeaseNextDueAsync("billing", t0.AddSeconds(5)))!;
        var cut = (await n1.LeaseNextDueAsync("billing", t0.AddSeconds(5)))!;
        var own = (await n1.LeaseNextDueAsync("billing", t0.AddSeconds(5)))!;
        Assert.True(await n1.RecordConversationAsync(served.Id, t0.AddSeconds(6), t0.AddSeconds(6) + ServedAfter));
        Assert.True(await n1.RecordConversationAsync(cut.Id, t0.AddSeconds(7), t0.AddSeconds(8)));
        // n2 adopted the third one (a live attempt re-announced to its router) and then restarts: its own lease keeps the plain words.
        var n2 = await PostgresCallbackStore.OpenAsync(database, t0, retry, new CallbackLeaseOptions("n2", Lease));
        Assert.True(await n2.AdoptLeaseAsync(own.Id, "n1", t0.AddSeconds(9) + Lease));

        // n2's first recovery (its node's start) comes after n1's leases lapsed.
        var n2Restarted = await PostgresCallbackStore.OpenAsync(database, t0, retry, new CallbackLeaseOptions("n2", Lease));
        Assert.Equal(new CallbackRecovery(2, 1), await n2Restarted.RecoverAsync(t0.AddSeconds(5) + Lease + TimeSpan.FromSeconds(1)));
        Assert.Equal("Served: in conversation for at least 4 s when n1 stopped renewing its lease", (await n2.GetAsync(served.Id))!.LastOutcome);
        Assert.Equal("Interrupted: the lease of n1 expired", (await n2.GetAsync(cut.Id))!.LastOutcome);
        Assert.Equal("Interrupted", (await n2.GetAsync(own.Id))!.LastOutcome);
        var states = await Task.WhenAll(new[] { served.Id, cut.Id, own.Id }.Select(id => n2.GetAsync(id)));
        Assert.Equal([CallbackState.Connected, CallbackState.Pending, CallbackState.Pending], states.Select(r => r!.State));
    }

    private static string Describe(CallbackRecord r) =>
        $"#{r.Id} {r.Number} {r.State} attempts {r.Attempts} owner {r.LeaseOwner ?? "-"} talk " +
        (r.ConversationStartedAt is { } s && r.ConversationSeenAt is { } seen ? $"{(seen - s).TotalSeconds:F1} s" : "none") + $" outcome '{r.LastOutcome}'";

    private static async Task<string> WriteAgentsAsync(string folder, params (string Id, int Port)[] agents)
    {
        var document = new
        {
            wrapUpSeconds = 0,
            ringTimeoutSeconds = 30,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = agents.Select(a => new
            {
                id = a.Id, name = "Agent " + a.Id,
                contact = $"sip:{a.Id}@127.0.0.1:{a.Port.ToString(CultureInfo.InvariantCulture)}",
                skills = new[] { new { skill = "billing", level = 5 } },
            }).ToArray(),
        };
        var path = Path.Combine(folder, "agents.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document));
        return path;
    }

    private static async Task ReadyAsync(ClusterRig rig, int node, string agent)
    {
        using var ready = await rig.SetAgentStateAsync(node, agent, "ready");
        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
    }

    private static async Task<TimeSpan> WaitForAsync(Func<Task<bool>> condition, string what, ClusterRig rig)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            if (await condition()) return clock.Elapsed;
            await Task.Delay(100);
        }
        throw new TimeoutException($"not within {Bound}: {what}\n" + rig.AllLogs());
    }

    // A killed sipp releases its port only once the process is gone: bounded wait until the port binds again.
    private static async Task WaitForFreeUdpPortAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }
        }
    }

    private static int Count(ClusterRig rig, int node, string needle) => Regex.Matches(rig.Nodes[node].Log, Regex.Escape(needle)).Count;

    // The trunk dials the number without its '+' (CallbackDialerSettings.TargetFor).
    private static int InvitesTo(Dictionary<string, int> invites, string number) => invites.GetValueOrDefault(number.TrimStart('+'));

    /// <summary>The distinct Call-IDs of the INVITEs the customer's sipp received, per dialled number (its <c>-trace_msg</c> file).</summary>
    private static Dictionary<string, int> InvitesByNumber(string workDir) =>
        SippMessageLog.Read(workDir).Entries
            .Where(e => e.Received && e.StartLine.StartsWith("INVITE sip:", StringComparison.Ordinal))
            .Select(e => (Number: e.StartLine["INVITE sip:".Length..e.StartLine.IndexOf('@', StringComparison.Ordinal)], e.CallId))
            .Distinct()
            .GroupBy(x => x.Number, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    [GeneratedRegex(@"Callback (?<id>\d+): ringing agent a1")]
    private static partial Regex RingingOrder();
}

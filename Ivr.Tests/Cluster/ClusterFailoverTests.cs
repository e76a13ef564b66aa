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
[Collection(EndToEndCollection.Name)]
public sealed class ClusterFailoverTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Smoke_CallsThroughKamailioReachAllThreeNodes_CallbackBookedOnOneIsInPostgres_AndDialledOnceByTheRoutersNode()
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

        // 30 short calls through Kamailio (each enters the queue flow, the caller hangs up after 1 s): every node takes some.
        using (var callers = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), Bound,
                   [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hotline", "-m", "30", "-r", "10", "-d", "1000"]))
            Assert.True(await callers.WaitAsync(Bound) == 0, callers.Output + "\n" + rig.AllLogs());
        var started = new long[3];
        for (var i = 0; i < 3; i++) started[i] = await StartedAsync(rig, i);
        output.WriteLine($"router on node {host}; calls started through Kamailio per node: {string.Join(", ", started)}");
        Assert.All(started, s => Assert.True(s > 0, $"a node took no call: {string.Join(", ", started)}"));
        Assert.True(started.Sum() >= 30, $"only {started.Sum()} calls started");

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

    private static int[] Count(ClusterRig rig, string needle) =>
        [.. rig.Nodes.Select(n => Regex.Matches(n.Log, Regex.Escape(needle)).Count)];

    private static async Task<long> StartedAsync(ClusterRig rig, int index) => (await CallsAsync(rig, index)).GetProperty("started").GetInt64();

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

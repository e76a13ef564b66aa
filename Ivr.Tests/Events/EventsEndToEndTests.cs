using System.Globalization;
using System.Net;
using System.Text.Json;
using Ivr.Engine.Events;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;
using Microsoft.Data.Sqlite;

namespace Ivr.Tests.Events;

/// <summary>
/// Events out end to end: the real <c>ivr serve</c> with the router, sipp callers and agents, and a real Kestrel webhook
/// receiver on loopback that the test starts, fails (500) and stops (connection refused).
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.A)]
public class EventsEndToEndTests
{
    private const string Secret = "s3cret-for-tests";
    private const string Caller = "+33698765432";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CallBridgedToAnAgent_SendsItsEventsInOrder_Signed_AndKeepsItsContact()
    {
        await using var receiver = new WebhookReceiver(Secret);
        await receiver.StartAsync();
        var agentPort = SippProcess.FreeUdpPort();
        await using var rig = await RouterRig.StartAsync([("a1", agentPort, 5)], Webhook(receiver));
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "2000", "-rtp_echo");
        using var media = new PatternRtpPeer();
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
        Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output);
        Assert.True(await receiver.WaitForAsync(r => r.Any(e => e.Type == CallEventTypes.Ended), Bound), "no call.ended reached the receiver:\n" + rig.Engine.Log);

        var events = receiver.Accepted;
        Assert.Equal([CallEventTypes.Started, CallEventTypes.Queued, CallEventTypes.Connected, CallEventTypes.Ended], events.Select(e => e.Type));
        Assert.Equal([1, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.True(e.Verified, "signature did not verify: " + e.Event));
        Assert.All(events, e => Assert.StartsWith("application/cloudevents+json", e.ContentType, StringComparison.Ordinal));
        Assert.All(events, e => Assert.Equal("1.0", e.Event.GetProperty("specversion").GetString()));
        var callId = events[0].Subject;
        Assert.All(events, e => Assert.Equal(callId, e.Subject));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(Caller, events[0].Data.GetProperty("from").GetString());
        Assert.Equal("queue", events[0].Data.GetProperty("flow").GetString());
        Assert.Equal("billing", events[1].Data.GetProperty("skill").GetString());
        Assert.Equal(5, events[1].Data.GetProperty("priority").GetInt32());
        Assert.Equal("a1", events[2].Data.GetProperty("agent").GetString());
        var ended = events[3].Data;
        Assert.Equal("a1", ended.GetProperty("agent").GetString());
        Assert.Equal("billing", ended.GetProperty("skill").GetString());
        Assert.Equal("queue_billing", ended.GetProperty("path").GetString());
        var outcome = ended.GetProperty("outcome").GetString()!;
        Assert.StartsWith("connected", outcome, StringComparison.Ordinal);

        // The contact history has the call, with the same outcome, skill and agent.
        var contacts = await rig.GetAsync($"/api/contacts/{Uri.EscapeDataString(Caller)}?hours=1");
        var contact = Assert.Single(contacts.GetProperty("contacts").EnumerateArray());
        Assert.Equal(callId, contact.GetProperty("callId").GetString());
        Assert.Equal(outcome, contact.GetProperty("outcome").GetString());
        Assert.Equal("a1", contact.GetProperty("agent").GetString());
        Assert.Equal("billing", contacts.GetProperty("lastSkill").GetString());
        Assert.Equal(1, contacts.GetProperty("contactsInWindow").GetInt32());
        var report = await rig.GetAsync("/api/reports/repeat-contacts?days=1");
        var billing = Assert.Single(report.GetProperty("skills").EnumerateArray());
        Assert.Equal(("billing", 1, 0), (billing.GetProperty("skill").GetString(), billing.GetProperty("contacts").GetInt32(), billing.GetProperty("repeated24h").GetInt32()));
    }

    [Fact]
    public async Task ReceiverRefusingThenFailing_GetsEveryEventOnceBack_InOrder_WithTheSameIds()
    {
        // Nothing listens on the receiver's port yet: connection refused.
        await using var receiver = new WebhookReceiver(Secret);
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)],
            [.. Webhook(receiver), "--set", "Routing:InitialAgentState=Away"]);
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_callback_dtmf.xml"), "-s", "hotline", "-m", "1", "-key", "caller", Caller);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
        await rig.Engine.WaitForLogAsync("Events: webhook crm did not take event", Bound);
        await WaitForPendingAsync(rig, 5);

        // Up, but answering 500: the head event is tried again (back-off 0.5 s, at most 1 s here).
        receiver.Failing = true;
        await receiver.StartAsync();
        Assert.True(await receiver.WaitForAsync(r => r.Count >= 2, Bound), "no retry reached the failing receiver:\n" + rig.Engine.Log);
        receiver.Failing = false;
        Assert.True(await receiver.WaitForAsync(r => r.Any(e => e.Accepted && e.Type == CallEventTypes.Ended), Bound), "call.ended never delivered:\n" + rig.Engine.Log);

        var accepted = receiver.Accepted;
        Assert.Equal(
            [CallEventTypes.Started, CallEventTypes.Queued, CallEventTypes.Offered, CallEventTypes.CallbackBooked, CallEventTypes.Ended],
            accepted.Select(e => e.Type));
        Assert.Equal([1, 2, 3, 4, 5], accepted.Select(e => e.Sequence));
        Assert.Equal(accepted.Count, accepted.Select(e => e.Id).Distinct().Count());
        // Every refused request was the head of the line, with the id it is finally delivered with.
        var refused = receiver.Requests.Where(r => !r.Accepted).ToList();
        Assert.True(refused.Count >= 2);
        Assert.All(refused, r => Assert.Equal(accepted[0].Id, r.Id));
        Assert.All(receiver.Requests, r => Assert.True(r.Verified));
        Assert.Equal(Caller, accepted[3].Data.GetProperty("number").GetString());
        Assert.StartsWith("callback", accepted[2].Data.GetProperty("offer").GetString(), StringComparison.Ordinal);
        Assert.Equal("callback_billing", accepted[3].Data.GetProperty("step").GetString());
        Assert.Equal(0, await PendingCountAsync(rig));
    }

    [Fact]
    public async Task EngineRestartedWithEventsInTheOutbox_DeliversThemAfterTheRestart_WithTheirIds()
    {
        await using var receiver = new WebhookReceiver(Secret) { Failing = true };
        await receiver.StartAsync();
        string[] settings = [.. Webhook(receiver), "--set", "Routing:InitialAgentState=Away"];
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)], settings);
        using var rtp = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_listen_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", ((IPEndPoint)rtp.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output);
        var before = await WaitForPendingAsync(rig, 4);
        Assert.True(await receiver.WaitForAsync(r => r.Count >= 1, Bound));

        var exit = await rig.Engine.InterruptAsync(Bound);
        Assert.True(exit == 0, $"the engine exited {exit} on SIGINT:\n" + rig.Engine.Log);
        receiver.Failing = false;
        await rig.StartEngineAsync(settings);
        Assert.True(await receiver.WaitForAsync(r => r.Any(e => e.Accepted && e.Type == CallEventTypes.Ended), Bound), "call.ended never delivered after the restart:\n" + rig.Engine.Log);

        var accepted = receiver.Accepted;
        // Agents away: the caller is offered a callback at once, does not answer it and hangs up.
        Assert.Equal([CallEventTypes.Started, CallEventTypes.Queued, CallEventTypes.Offered, CallEventTypes.Ended], accepted.Select(e => e.Type));
        Assert.Equal(before, accepted.Select(e => e.Id));
        Assert.All(receiver.Requests.Where(r => !r.Accepted), r => Assert.Equal(before[0], r.Id));
        Assert.All(receiver.Requests, r => Assert.True(r.Verified));
        Assert.Equal("caller-hangup", accepted[3].Data.GetProperty("outcome").GetString());
        Assert.Equal(0, await PendingCountAsync(rig));
    }

    private static string[] Webhook(WebhookReceiver receiver) =>
    [
        "--set", "Events:Webhooks:crm:Url=" + receiver.Url,
        "--set", "Events:Webhooks:crm:Secret=" + Secret,
        "--set", "Events:RetryMin=00:00:00.5",
        "--set", "Events:RetryMax=00:00:01",
    ];

    /// <summary>The ids waiting in the engine's outbox for <c>crm</c>, read from its SQLite file once there are <paramref name="count"/> (bounded).</summary>
    private static async Task<IReadOnlyList<string>> WaitForPendingAsync(RouterRig rig, int count)
    {
        var until = DateTime.UtcNow + Bound;
        IReadOnlyList<string> ids = [];
        while (DateTime.UtcNow < until)
        {
            var outbox = await SqliteEventOutbox.OpenAsync(new SqliteDatabase(Path.Combine(rig.DataFolder, "ivr.db")), DateTimeOffset.UtcNow);
            ids = (await outbox.PendingAsync("crm", 100)).Select(i => i.Event.EventId).ToList();
            SqliteConnection.ClearAllPools();
            if (ids.Count >= count) return ids;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"the outbox held {ids.Count} event(s), not {count}:\n" + rig.Engine.Log);
    }

    private static async Task<long> PendingCountAsync(RouterRig rig)
    {
        // Marked delivered right after the 2xx: allow the write a moment (bounded).
        var until = DateTime.UtcNow + Bound;
        long depth;
        do
        {
            var outbox = await SqliteEventOutbox.OpenAsync(new SqliteDatabase(Path.Combine(rig.DataFolder, "ivr.db")), DateTimeOffset.UtcNow);
            depth = await outbox.DepthAsync();
            SqliteConnection.ClearAllPools();
            if (depth == 0) return 0;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < until);
        return depth;
    }
}

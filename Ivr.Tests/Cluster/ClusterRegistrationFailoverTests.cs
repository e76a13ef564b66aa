using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ivr.Engine.Registrations;
using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Sip;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Auth;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Storage;
using Xunit.Abstractions;

namespace Ivr.Tests.Cluster;

/// <summary>
/// Registrations outlive the node that took them (issue 13): three clustered nodes on one PostgreSQL behind a real Kamailio;
/// the agent's phone registers through Kamailio, the node that took the REGISTER is killed (<c>kill -9</c>), a caller
/// through Kamailio waits on a survivor, and the same phone (a sipp UAS that sends no new REGISTER) is rung and answers,
/// exactly once. Once the binding's expiry has passed, it is never used again: the agent is rung at its file contact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterRegistrationFailoverTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Kill9_TheNodeThatTookTheRegister_ASurvivorRingsThePhoneOnce_WithoutANewRegister_AndNotAfterItsExpiry()
    {
        var filePort = SippProcess.FreeUdpPort();
        var phonePort = SippProcess.FreeUdpPort();
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await ClusterRig.StartAsync(filePort, sipPassword: "phone-secret", extra:
        [
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString,
            "--set", "Registrar:StoreRefresh=00:00:01",
        ]);
        var targets = Enumerable.Range(0, 3).Select(rig.SipTarget).ToList();
        await using var kamailio = await KamailioProcess.StartAsync(targets);
        await kamailio.WaitForStatesAsync(targets.ToDictionary(t => "sip:" + t, _ => "AP"), TimeSpan.FromSeconds(30));
        var routerAtStart = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));

        // The phone registers through Kamailio (which hashes the To URI onto one node), for the shortest expiry allowed.
        var contact = $"sip:a1@127.0.0.1:{phonePort.ToString(CultureInfo.InvariantCulture)}";
        var proxy = new IPEndPoint(IPAddress.Loopback, kamailio.Port);
        using (var phone = RawSipClient.Udp(proxy))
        {
            phone.Send(Register(phone.Port, "z9hG4bKfreg1", 1, contact, authorization: null));
            var answer = await FinalAsync(phone, 1, rig);
            // A node that answers later than Kamailio's 1 s branch timer (this box is shared) has the REGISTER failed over to the
            // next node, which did not sign the nonce and challenges afresh: the phone answers the new challenge, as phones do.
            for (var cseq = 2; answer.StatusCode == 401 && cseq <= 4; cseq++)
            {
                var challenge = answer.Headers.GetValues(SipHeaderNames.WwwAuthenticate).First();
                phone.Send(Register(phone.Port, "z9hG4bKfreg" + cseq.ToString(CultureInfo.InvariantCulture), cseq, contact,
                    TestDigestClient.Authorization(challenge, "a1", "phone-secret", "REGISTER", "sip:127.0.0.1")));
                answer = await FinalAsync(phone, cseq, rig);
            }
            Assert.True(answer.StatusCode == 200, $"REGISTER through Kamailio answered {answer.StatusCode} {answer.ReasonPhrase}:\n" + kamailio.Log + "\n" + rig.AllLogs());
        }
        var registeredAt = DateTimeOffset.UtcNow;

        // The row names the node that took it (the last that wrote it), the contact, and where the REGISTER came from (Kamailio).
        int taker;
        await using (var database = await PostgresDatabase.OpenAsync(connectionString))
        {
            var store = await PostgresRegistrationStore.OpenAsync(database, DateTimeOffset.UtcNow);
            var row = Assert.Single(await store.FindAsync("a1", DateTimeOffset.UtcNow)).Binding;
            Assert.Equal(contact, row.Contact.ToString());
            Assert.Equal(proxy, row.Received.EndPoint);
            taker = int.Parse(row.Node!.AsSpan(1), CultureInfo.InvariantCulture) - 1;
        }
        Assert.Contains($"Agent a1 registered: {contact}", rig.Nodes[taker].Log, StringComparison.Ordinal);
        var survivors = Enumerable.Range(0, 3).Where(i => i != taker).ToList();
        output.WriteLine($"router on node {routerAtStart}; the REGISTER was taken by node {taker}; survivors {string.Join(", ", survivors)}");

        await rig.KillAsync(taker);
        await kamailio.WaitForStatesAsync(new Dictionary<string, string> { ["sip:" + targets[taker]] = "IP" }, TimeSpan.FromSeconds(15));

        // A caller through Kamailio waits on a survivor; the agent gets ready; the same phone is rung and answers.
        using var agent = SippProcess.Start(phonePort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "2000");
        using (var caller = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), Bound,
                   [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_engine_bye.xml"), "-s", "hotline", "-m", "1"]))
        {
            await rig.WaitForWaitingAsync(survivors[0], 1, TimeSpan.FromSeconds(60));
            using (var ready = await rig.SetAgentStateAsync(survivors[1], "a1", "ready"))
                Assert.True(ready.IsSuccessStatusCode, $"setting a1 ready: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
            Assert.True(await agent.WaitAsync(Bound) == 0, "the phone registered on the killed node was not rung by a survivor:\n" + agent.Output + "\n" + rig.AllLogs());
            Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\n" + rig.AllLogs());
        }
        var rungAtPhone = survivors.Sum(i => Count(rig.Nodes[i].Log, $"goes to agent a1 at {contact}"));
        output.WriteLine($"phone rung {rungAtPhone} time(s) by the survivors, {(DateTimeOffset.UtcNow - registeredAt).TotalSeconds:F0} s after its REGISTER");
        Assert.Equal(1, rungAtPhone);
        Assert.True(DateTimeOffset.UtcNow - registeredAt < TimeSpan.FromSeconds(55), "the call came too close to the binding's expiry to show anything");

        // Past its expiry the binding is never used: every survivor lets it lapse, and the next call rings the file's contact.
        foreach (var i in survivors) await rig.Nodes[i].WaitForLogAsync("Agent a1 registration expired", Bound);
        using (var late = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), Bound,
                   [kamailio.Target, "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hotline", "-m", "1", "-d", "8000"]))
        {
            var fileContact = $"goes to agent a1 at sip:a1@127.0.0.1:{filePort.ToString(CultureInfo.InvariantCulture)}";
            await WaitForAnyLogAsync(rig, survivors, fileContact, Bound);
            Assert.True(await late.WaitAsync(Bound) == 0, "late caller failed:\n" + late.Output + "\n" + rig.AllLogs());
        }
        Assert.Equal(1, survivors.Sum(i => Count(rig.Nodes[i].Log, $"goes to agent a1 at {contact}")));
    }

    private static async Task WaitForAnyLogAsync(ClusterRig rig, IReadOnlyList<int> nodes, string needle, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!nodes.Any(i => rig.Nodes[i].Log.Contains(needle, StringComparison.Ordinal)))
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"no survivor logged '{needle}' within {timeout}:\n" + rig.AllLogs());
            await Task.Delay(200);
        }
    }

    // The final response to the REGISTER with CSeq <paramref name="cseq"/>: a loaded node's retransmitted answer to the
    // previous one, relayed by Kamailio, is skipped.
    private static async Task<SipResponse> FinalAsync(RawSipClient phone, int cseq, ClusterRig rig)
    {
        for (var i = 0; i < 10; i++)
        {
            if (await phone.ReceiveAsync(TimeSpan.FromSeconds(20)) is SipResponse { StatusCode: >= 200 } response && response.CSeq?.Number == cseq) return response;
        }
        throw new TimeoutException($"no final response to REGISTER {cseq}:\n" + rig.AllLogs());
    }

    private static int Count(string log, string needle) => Regex.Matches(log, Regex.Escape(needle)).Count;

    private static string Register(int port, string branch, int cseq, string contact, string? authorization) =>
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:a1@127.0.0.1>;tag=fph1\r\n" +
        "To: <sip:a1@127.0.0.1>\r\n" +
        "Call-ID: cluster-failover-registration-1@127.0.0.1\r\n" +
        $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
        $"Contact: <{contact}>\r\n" +
        "Expires: 60\r\n" +
        (authorization is null ? string.Empty : $"Authorization: {authorization}\r\n") +
        "Content-Length: 0\r\n\r\n";
}

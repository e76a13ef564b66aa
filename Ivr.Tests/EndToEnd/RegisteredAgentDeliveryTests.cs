using System.Globalization;
using System.Net;
using Ivr.Engine.Sip;
using Ivr.Tests.Sip.Auth;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// A registered agent's contact is used for delivery (issue 2, item 1): the agents file gives the agent a contact where
/// nothing listens; the agent's softphone (a sipp UAS) registers its real contact with Digest through the engine's
/// registrar; a sipp caller queues; the engine rings the registered contact, not the file's, and bridges.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed class RegisteredAgentDeliveryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-registered-");

    /// <summary>The call goes to the contact the agent registered, over the one agents file shared by router and registrar.</summary>
    [Fact]
    public async Task QueuedCall_GoesToTheContactTheAgentRegistered_NotTheFilesContact()
    {
        var deadPort = SippProcess.FreeUdpPort();
        var phonePort = SippProcess.FreeUdpPort();
        var agents = await SoftphoneAgent.WriteAgentsAsync(_folder.FullName, deadPort);
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/queue", "--data", Path.Combine(_folder.FullName, "data"),
            "--set", "Flows:Map:hotline=queue", "--set", "Routing:AgentsFile=" + agents, "--set", "Routing:CheckInterval=00:00:01");
        await engine.WaitForLogAsync("Registrar: 1 agents can register", Bound);

        var contact = $"sip:a1@127.0.0.1:{phonePort.ToString(CultureInfo.InvariantCulture)}";
        using (var phone = RawSipClient.Udp(new IPEndPoint(IPAddress.Loopback, engine.SipPort)))
        {
            phone.Send(SoftphoneAgent.Register(phone.Port, "registered-agent-1@127.0.0.1", "z9hG4bKreg1", 1, contact, authorization: null));
            var challenge = (await phone.ExpectResponseAsync(401)).Headers.GetValues(SipHeaderNames.WwwAuthenticate).First();
            var authorization = TestDigestClient.Authorization(challenge, "a1", "phone-secret", "REGISTER", "sip:127.0.0.1");
            phone.Send(SoftphoneAgent.Register(phone.Port, "registered-agent-1@127.0.0.1", "z9hG4bKreg2", 2, contact, authorization));
            await phone.ExpectResponseAsync(200);
        }
        await engine.WaitForLogAsync("Agent a1 registered", Bound);

        using var agent = SippProcess.Start(phonePort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "2000", "-rtp_echo");
        using var media = new PatternRtpPeer();
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await agent.WaitAsync(Bound) == 0, "the registered phone (sipp) was not called:\n" + agent.Output + "\nengine:\n" + engine.Log);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + engine.Log);
        Assert.Contains($"goes to agent a1 at {contact}", engine.Log, StringComparison.Ordinal);
        Assert.True(media.Echoed >= 25, $"only {media.Echoed} echoed packets came back through the registered phone");
    }

    /// <summary>
    /// An agent's phone behind NAT (issue 2's registered agents, left undone until now): it registers a private contact
    /// (127.0.0.2:5999 — the engine is told 127.0.0.2/32 is a private range, so nothing ever leaves loopback) from its NAT
    /// mapping (sipp on 127.0.0.1). The engine rings it at the mapping with its contact as Request-URI; its ACK reaches
    /// the phone although the 200 OK names the private contact again; and the agent's voice (a pattern streamed from a
    /// port its SDP never named, which names 127.0.0.2:40000) reaches the caller: the engine latched onto it.
    /// </summary>
    [Fact]
    public async Task QueuedCall_ToAnAgentBehindNat_ReachesItWhereItsPacketsComeFrom_SignallingAndAudio()
    {
        const string privateHost = "127.0.0.2";
        var deadPort = SippProcess.FreeUdpPort();
        // Registered from, then listening on, by two sipp processes: a port no ephemeral bind can take in between (a run
        // once found it taken: "Unable to bind main socket, errno = 98").
        var phonePort = SippProcess.FreeUdpPortBelowEphemeralRange();
        var agents = await SoftphoneAgent.WriteAgentsAsync(_folder.FullName, deadPort);
        var voice = Path.Combine(_folder.FullName, "agent.ulaw");
        await File.WriteAllBytesAsync(voice, Enumerable.Repeat(PatternRtpPeer.Code, 8000 * 4).ToArray());
        var scenario = Path.Combine(_folder.FullName, "uas_agent_behind_nat.xml");
        await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(SippProcess.Scenario("uas_agent_behind_nat.xml"))).Replace("AGENT_AUDIO", voice, StringComparison.Ordinal));
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/queue", "--data", Path.Combine(_folder.FullName, "data"),
            "--set", "Flows:Map:hotline=queue", "--set", "Routing:AgentsFile=" + agents, "--set", "Routing:CheckInterval=00:00:01",
            "--set", "Sip:NatNetworks=" + privateHost + "/32", "--set", "Registrar:Algorithms:0=MD5"); // sipp 3.6 computes MD5 only
        await engine.WaitForLogAsync("Registrar: 1 agents can register", Bound);

        using (var register = SippProcess.Start(phonePort, engine.Target, "-sf", SippProcess.Scenario("register_behind_nat.xml"),
            "-s", "a1", "-au", "a1", "-ap", "phone-secret", "-m", "1", "-key", "nat_host", privateHost))
        {
            Assert.True(await register.WaitAsync(Bound) == 0, "sipp could not register:\n" + register.Output + "\nengine:\n" + engine.Log);
        }
        var registered = await engine.WaitForLogAsync("Agent a1 registered", Bound);
        Assert.Contains($"sip:a1@{privateHost}:5999, behind NAT: reached at udp:127.0.0.1:{phonePort.ToString(CultureInfo.InvariantCulture)}", registered, StringComparison.Ordinal);

        using var agent = SippProcess.Start(phonePort, "-sf", scenario, "-m", "1", "-d", "3000", "-key", "nat_host", privateHost);
        using var caller = new PatternRtpPeer();
        using var callerSip = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", caller.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await agent.WaitAsync(Bound) == 0, "the phone behind NAT (sipp) was not reached:\n" + agent.Output + "\nengine:\n" + engine.Log);
        Assert.True(await callerSip.WaitAsync(Bound) == 0, "caller sipp failed:\n" + callerSip.Output + "\nengine:\n" + engine.Log);
        Assert.Contains($"goes to agent a1 at sip:a1@{privateHost}:5999", engine.Log, StringComparison.Ordinal);
        Assert.True(caller.Echoed >= 25, $"only {caller.Echoed} packets of the agent's voice reached the caller");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.HttpPort.ToString(CultureInfo.InvariantCulture)}") };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Ops.PrometheusText.Get(Ops.PrometheusText.Parse(metrics), "ivr_media_rtp_nat_latched_total")); // the agent's leg; the caller is not behind NAT
    }

    /// <summary>Removes the folder.</summary>
    public void Dispose()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Ivr.Engine.Sip;
using Ivr.Tests.Sip.Auth;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// A registered agent's contact is used for delivery (issue 2, item 1): the agents file gives the agent a contact where
/// nothing listens; the agent's softphone (a sipp UAS) registers its real contact with Digest through the engine's
/// registrar; a sipp caller queues; the engine rings the registered contact, not the file's, and bridges.
/// </summary>
[Collection(EndToEndCollection.Name)]
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
        var agents = Path.Combine(_folder.FullName, "agents.json");
        await File.WriteAllTextAsync(agents, JsonSerializer.Serialize(new
        {
            wrapUpSeconds = 1,
            ringTimeoutSeconds = 5,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = new[]
            {
                new
                {
                    id = "a1",
                    name = "Agent with a softphone",
                    contact = $"sip:a1@127.0.0.1:{deadPort.ToString(CultureInfo.InvariantCulture)}",
                    skills = new[] { new { skill = "billing", level = 5 } },
                    sip = new { user = "a1", password = "phone-secret" },
                },
            },
        }));
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/queue", "--data", Path.Combine(_folder.FullName, "data"),
            "--set", "Flows:Map:hotline=queue", "--set", "Routing:AgentsFile=" + agents, "--set", "Routing:CheckInterval=00:00:01");
        await engine.WaitForLogAsync("Registrar: 1 agents can register", Bound);

        var contact = $"sip:a1@127.0.0.1:{phonePort.ToString(CultureInfo.InvariantCulture)}";
        using (var phone = RawSipClient.Udp(new IPEndPoint(IPAddress.Loopback, engine.SipPort)))
        {
            phone.Send(Register(phone.Port, "z9hG4bKreg1", 1, contact, authorization: null));
            var challenge = (await phone.ExpectResponseAsync(401)).Headers.GetValues(SipHeaderNames.WwwAuthenticate).First();
            var authorization = TestDigestClient.Authorization(challenge, "a1", "phone-secret", "REGISTER", "sip:127.0.0.1");
            phone.Send(Register(phone.Port, "z9hG4bKreg2", 2, contact, authorization));
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

    private static string Register(int port, string branch, int cseq, string contact, string? authorization) =>
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:a1@127.0.0.1>;tag=ph1\r\n" +
        "To: <sip:a1@127.0.0.1>\r\n" +
        "Call-ID: registered-agent-1@127.0.0.1\r\n" +
        $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
        $"Contact: <{contact}>\r\n" +
        "Expires: 300\r\n" +
        (authorization is null ? string.Empty : $"Authorization: {authorization}\r\n") +
        "Content-Length: 0\r\n\r\n";
}

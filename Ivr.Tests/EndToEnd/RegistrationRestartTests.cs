using System.Globalization;
using System.Net;
using Ivr.Engine.Sip;
using Ivr.Tests.Sip.Auth;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Registrations outlive an engine restart (issue 13, one node on SQLite): the agent's phone registers, the engine is
/// stopped and started again on the same data folder, a caller queues, and the same phone (a sipp UAS that never sends
/// another REGISTER) is rung at the contact it registered with the first engine, answers and is bridged.
/// </summary>
[Collection(EngineProcessesCollections.A)]
public sealed class RegistrationRestartTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-registration-restart-");

    [Fact]
    public async Task Register_RestartTheEngine_TheAgentIsRungWithoutANewRegister()
    {
        var deadPort = SippProcess.FreeUdpPort();
        var phonePort = SippProcess.FreeUdpPort();
        var agents = await SoftphoneAgent.WriteAgentsAsync(_folder.FullName, deadPort);
        var data = Path.Combine(_folder.FullName, "data");
        string[] args = ["--flows", "Ivr.Tests/TestData/flows/queue", "--data", data,
            "--set", "Flows:Map:hotline=queue", "--set", "Routing:AgentsFile=" + agents, "--set", "Routing:CheckInterval=00:00:01"];
        var contact = $"sip:a1@127.0.0.1:{phonePort.ToString(CultureInfo.InvariantCulture)}";

        await using (var first = await EngineProcess.StartAsync(args))
        {
            await first.WaitForLogAsync("Registrar: 1 agents can register", Bound);
            using var phone = RawSipClient.Udp(new IPEndPoint(IPAddress.Loopback, first.SipPort));
            phone.Send(SoftphoneAgent.Register(phone.Port, "registration-restart-1@127.0.0.1", "z9hG4bKreg1", 1, contact, authorization: null));
            var challenge = (await phone.ExpectResponseAsync(401)).Headers.GetValues(SipHeaderNames.WwwAuthenticate).First();
            phone.Send(SoftphoneAgent.Register(phone.Port, "registration-restart-1@127.0.0.1", "z9hG4bKreg2", 2, contact, TestDigestClient.Authorization(challenge, "a1", "phone-secret", "REGISTER", "sip:127.0.0.1")));
            await phone.ExpectResponseAsync(200);
            await first.WaitForLogAsync("Agent a1 registered", Bound);
            await first.KillAsync(); // kill -9: the binding was in the store before the 200
        }

        await using var second = await EngineProcess.StartAsync(args);
        await second.WaitForLogAsync("1 live registrations of 1 agents loaded from the registration store", Bound);
        using var agent = SippProcess.Start(phonePort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "2000", "-rtp_echo");
        using var media = new PatternRtpPeer();
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), second.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await agent.WaitAsync(Bound) == 0, "the registered phone (sipp) was not called after the restart:\n" + agent.Output + "\nengine:\n" + second.Log);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + second.Log);
        Assert.Contains($"goes to agent a1 at {contact}", second.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("REGISTER for", second.Log, StringComparison.Ordinal);
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
}

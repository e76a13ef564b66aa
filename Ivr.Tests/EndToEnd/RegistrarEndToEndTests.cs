using System.Globalization;
using System.Net;
using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Agents' softphones REGISTER with the real <c>ivr serve</c> process (credentials from
/// <c>Ivr.Tests/TestData/registrar/agents.json</c>): sipp 3.6.1 and baresip 1.0.0 (libre 1.1.0), both of which speak
/// only MD5 Digest (sipp reads the first challenge; baresip fails on any SHA-256 one); bad REGISTERs get the right 4xx and the engine keeps serving.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RegistrarEndToEndTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly string[] AgentsFile = ["--set", "Registrar:AgentsFile=Ivr.Tests/TestData/registrar/agents.json"];
    private static readonly string[] Md5First = ["--set", "Registrar:Algorithms:0=MD5", "--set", "Registrar:Algorithms:1=SHA-256"];
    private static readonly string[] Md5Only = ["--set", "Registrar:Algorithms:0=MD5"];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-registrar-");

    /// <summary>
    /// With the default challenges (SHA-256 first, then MD5) an agent whose file entry holds only the MD5 HA1 is
    /// challenged with MD5 alone, so sipp registers, is listed with its expiry, and unregisters. Then a wrong password
    /// gets 403, a REGISTER without To or with a broken Contact gets 400, and the engine still registers the agent after.
    /// </summary>
    [Fact]
    public async Task Sipp_Md5OnlyAgent_RegistersAndUnregisters_AndBadRegistersGetTheRight4xx_WhileTheEngineKeepsServing()
    {
        await using var engine = await EngineProcess.StartAsync(AgentsFile);
        var port = SippProcess.FreeUdpPort();

        await RunSippAsync(engine, "register_auth.xml", "agent2", "md5-only", port);
        var registered = await engine.WaitForLogAsync("Agent agent2 registered", Bound);
        Assert.Contains($"sip:agent2@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", registered, StringComparison.Ordinal);
        await engine.WaitForLogAsync("Agent agent2 unregistered: no contact left", Bound);

        await RunSippAsync(engine, "register_refused.xml", "agent2", "not-the-password", SippProcess.FreeUdpPort());
        await engine.WaitForLogAsync("wrong password for 'agent2'", Bound);

        using var raw = RawSipClient.Udp(new IPEndPoint(IPAddress.Loopback, engine.SipPort));
        raw.Send(RawRegister(raw.Port, "z9hG4bKnoto", to: null));
        Assert.Equal("Missing To", (await raw.ExpectResponseAsync(400)).ReasonPhrase);
        raw.Send(RawRegister(raw.Port, "z9hG4bKbadcontact", contact: "<sip:agent2@>"));
        Assert.Equal("Contact does not parse", (await raw.ExpectResponseAsync(400)).ReasonPhrase);
        raw.Send(RawRegister(raw.Port, "z9hG4bKnouser", to: "<sip:127.0.0.1>"));
        await raw.ExpectResponseAsync(404);
        raw.Send(RawRegister(raw.Port, "z9hG4bKchallenge"));
        var challenge = await raw.ExpectResponseAsync(401);
        Assert.Equal(["MD5"], challenge.Headers.GetValues(SipHeaderNames.WwwAuthenticate).Select(v => Sip.Auth.TestDigestClient.Param(v, "algorithm")));

        await RunSippAsync(engine, "register_auth.xml", "agent2", "md5-only", SippProcess.FreeUdpPort());
        Assert.Equal(2, engine.Log.Split('\n').Count(l => l.Contains("Agent agent2 registered", StringComparison.Ordinal)));
    }

    /// <summary>
    /// An engine configured to offer MD5 first (for phones that read only the first challenge) registers sipp for an
    /// agent holding both hashes, and refuses an unknown user with the same 403 as a wrong password.
    /// </summary>
    [Fact]
    public async Task Sipp_EngineOfferingMd5First_RegistersAnAgentWithBothHashes_AndRefusesAnUnknownUser()
    {
        await using var engine = await EngineProcess.StartAsync([.. AgentsFile, .. Md5First]);

        await RunSippAsync(engine, "register_auth.xml", "agent1", "sipp-secret", SippProcess.FreeUdpPort());
        await engine.WaitForLogAsync("Agent agent1 registered", Bound);

        await RunSippAsync(engine, "register_refused.xml", "mallory", "whatever", SippProcess.FreeUdpPort());
        await engine.WaitForLogAsync("unknown user 'mallory'", Bound);
    }

    /// <summary>
    /// baresip registers with its password (auth_pass) for an agent whose entry holds only the MD5 HA1, is listed with
    /// its contact, and unregisters when it exits.
    /// </summary>
    [Fact]
    public async Task Baresip_RegistersWithItsPassword_AndUnregistersWhenItStops()
    {
        await using var engine = await EngineProcess.StartAsync(AgentsFile);
        var account = $"<sip:agent2@{engine.Target}>;auth_pass=md5-only;regint=300;audio_codecs=PCMU;answermode=auto";

        var baresip = await BaresipProcess.StartAsync(_folder.FullName, Source(), Bound, account);
        await using (baresip)
        {
            await baresip.WaitForEventAsync("REGISTER_OK", Bound);
            var registered = await engine.WaitForLogAsync("Agent agent2 registered", Bound);
            Assert.Contains("@127.0.0.1:", registered, StringComparison.Ordinal);
            var quit = await baresip.CommandAsync("quit", string.Empty, Bound);
            Assert.True(quit.GetProperty("ok").GetBoolean(), "quit refused: " + quit);
            await engine.WaitForLogAsync("Agent agent2 unregistered: no contact left", Bound);
        }
    }

    /// <summary>
    /// What the installed baresip does when offered SHA-256 at all: libre 1.1.0 walks every WWW-Authenticate and gives up
    /// at the first one it cannot compute ("Function not implemented") instead of skipping it as RFC 8760 §2.4 asks —
    /// whatever the order (SHA-256 first, or MD5 first). Such phones need an MD5-only hash in their agent entry or an
    /// engine offering MD5 only; then the same account registers.
    /// </summary>
    [Fact]
    public async Task Baresip_GivesUpWhenOfferedSha256_AndRegistersWhenTheEngineOffersMd5Only()
    {
        var account = "<sip:desk3@{0}>;auth_pass=bare-secret;regint=300;audio_codecs=PCMU;answermode=auto";
        await using (var engine = await EngineProcess.StartAsync(AgentsFile))
        {
            await using var baresip = await BaresipProcess.StartAsync(Path.Combine(_folder.FullName, "sha"), Source(), Bound, string.Format(CultureInfo.InvariantCulture, account, engine.Target));
            var failed = await baresip.WaitForEventAsync("REGISTER_FAIL", Bound);
            Assert.Contains("Function not implemented", failed.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Agent agent3 registered", engine.Log, StringComparison.Ordinal);
        }

        await using (var engine = await EngineProcess.StartAsync([.. AgentsFile, .. Md5First]))
        {
            await using var baresip = await BaresipProcess.StartAsync(Path.Combine(_folder.FullName, "md5first"), Source(), Bound, string.Format(CultureInfo.InvariantCulture, account, engine.Target));
            var failed = await baresip.WaitForEventAsync("REGISTER_FAIL", Bound);
            Assert.Contains("Function not implemented", failed.ToString(), StringComparison.Ordinal);
        }

        await using (var engine = await EngineProcess.StartAsync([.. AgentsFile, .. Md5Only]))
        {
            await using var baresip = await BaresipProcess.StartAsync(Path.Combine(_folder.FullName, "md5"), Source(), Bound, string.Format(CultureInfo.InvariantCulture, account, engine.Target));
            await baresip.WaitForEventAsync("REGISTER_OK", Bound);
            await engine.WaitForLogAsync("Agent agent3 registered", Bound);
        }
    }

    /// <summary>Removes the config folders.</summary>
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

    private static async Task RunSippAsync(EngineProcess engine, string scenario, string user, string password, int port)
    {
        using var sipp = SippProcess.Start(port, engine.Target, "-sf", SippProcess.Scenario(scenario), "-s", user, "-au", user, "-ap", password, "-m", "1");
        var exit = await sipp.WaitAsync(Bound);
        Assert.True(exit == 0, $"sipp {scenario} as {user} failed:\n{sipp.Output}\nengine:\n{engine.Log}");
    }

    private static string RawRegister(int port, string branch, string? to = "<sip:agent2@127.0.0.1>", string contact = "<sip:agent2@127.0.0.1:5099>") =>
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:agent2@127.0.0.1>;tag=raw1\r\n" +
        (to is null ? "" : $"To: {to}\r\n") +
        $"Call-ID: {branch}@127.0.0.1\r\n" +
        "CSeq: 1 REGISTER\r\n" +
        $"Contact: {contact}\r\n" +
        "Content-Length: 0\r\n\r\n";

    // A short quiet source: these softphones only register, they never take a call here.
    private string Source()
    {
        var path = Path.Combine(_folder.FullName, "quiet-" + Guid.NewGuid().ToString("N") + ".wav");
        using var writer = WavWriter.Create(path);
        writer.Write(new short[WavFile.TargetSampleRate]);
        return path;
    }
}

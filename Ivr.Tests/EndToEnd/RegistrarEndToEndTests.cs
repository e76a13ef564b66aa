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
[Collection(EngineProcessesCollections.A)]
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
            await baresip.WaitForOutputAsync("200 OK", Bound); // not the REGISTER_OK event: see the MD5-only case below
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
            // baresip registers as it starts: on a loaded machine its REGISTER_OK event can fire before the test's ctrl_tcp
            // connection exists (events go only to connected clients), so its own output line is what is awaited.
            await baresip.WaitForOutputAsync("200 OK", Bound);
            await engine.WaitForLogAsync("Agent agent3 registered", Bound);
        }
    }

    /// <summary>
    /// Password guessing over UDP against the real engine (issue 14): ten wrong passwords for agent4 from 127.0.0.7 all get
    /// 403, but only five reach the password check — the fifth locks the address and the user (one log line each); the
    /// right password from there is refused with the same 403 until the lockout (10 s here) ends, then it registers. Meanwhile
    /// agent2 registers from 127.0.0.8, agent4 from 127.0.0.8 is held by the user lock, and <c>/metrics</c> counts it all.
    /// </summary>
    [Fact]
    public async Task TenWrongPasswords_LockTheSourceAndUserFromTheSixthTry_TheRightPasswordWaitsForTheEnd_OthersRegister()
    {
        await using var engine = await EngineProcess.StartAsync([.. AgentsFile, "--set", "Registrar:LockoutTime=00:00:10"]);
        var server = new IPEndPoint(IPAddress.Loopback, engine.SipPort);
        using var attacker = RawSipClient.Udp(server, IPAddress.Parse("127.0.0.7"));
        using var other = RawSipClient.Udp(server, IPAddress.Parse("127.0.0.8"));

        var refused = new List<SipResponse>();
        for (var i = 1; i <= 10; i++) refused.Add(await RegisterAsync(attacker, "agent4", "guess-" + i.ToString(CultureInfo.InvariantCulture), i));
        var right = await RegisterAsync(attacker, "agent4", "plain-secret", 11);
        var lockedAt = DateTime.UtcNow;
        var otherUser = await RegisterAsync(other, "agent2", "md5-only", 1);
        var lockedUser = await RegisterAsync(other, "agent4", "plain-secret", 2);

        Assert.All(refused, r => Assert.Equal(403, r.StatusCode));
        Assert.Equal(403, right.StatusCode);
        Assert.Equal(refused[0].ReasonPhrase, right.ReasonPhrase);
        Assert.Equal(refused[0].Headers.Count, right.Headers.Count);
        await engine.WaitForLogAsync("source 127.0.0.7 locked out for 00:00:10 after 5 failed", Bound);
        await engine.WaitForLogAsync("user agent4 locked out for 00:00:10 after 5 failed", Bound);
        Assert.Equal(5, engine.Log.Split('\n').Count(l => l.Contains("wrong password for 'agent4'", StringComparison.Ordinal)));
        Assert.Equal(1, engine.Log.Split('\n').Count(l => l.Contains("source 127.0.0.7 locked out", StringComparison.Ordinal)));
        Assert.DoesNotContain("Agent agent4 registered", engine.Log, StringComparison.Ordinal);

        Assert.Equal(200, otherUser.StatusCode);
        Assert.Equal(403, lockedUser.StatusCode);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.HttpPort.ToString(CultureInfo.InvariantCulture)}") };
        var metrics = Ops.PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(1, Ops.PrometheusText.Get(metrics, "ivr_registrar_lockouts_total{scope=\"source\"}"));
        Assert.Equal(1, Ops.PrometheusText.Get(metrics, "ivr_registrar_lockouts_total{scope=\"user\"}"));
        Assert.Equal(5, Ops.PrometheusText.Get(metrics, "ivr_registrar_auth_failures_total{reason=\"credentials\"}"));
        Assert.Equal(7, Ops.PrometheusText.Get(metrics, "ivr_registrar_auth_failures_total{reason=\"locked\"}"));

        // The lockout ends after its 10 s (bounded: the engine may be slow), and then the right password registers.
        SipResponse? registered = null;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        for (var attempt = 0; attempt < 150 && registered is null; attempt++)
        {
            await pace.WaitForNextTickAsync();
            if (DateTime.UtcNow - lockedAt < TimeSpan.FromSeconds(8)) continue;
            var answer = await RegisterAsync(attacker, "agent4", "plain-secret", 20 + attempt);
            if (answer.StatusCode == 200) registered = answer;
            else Assert.Equal(403, answer.StatusCode);
        }
        Assert.NotNull(registered);
        await engine.WaitForLogAsync("Agent agent4 registered", Bound);
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

    // REGISTER, 401, REGISTER answering the first challenge: the answer to the second.
    private static async Task<SipResponse> RegisterAsync(RawSipClient phone, string user, string password, int round)
    {
        var callId = "guess-" + user + "-" + phone.Port.ToString(CultureInfo.InvariantCulture) + "@127.0.0.1";
        var r = round.ToString(CultureInfo.InvariantCulture);
        phone.Send(Register(phone, user, callId, 2 * round, "z9hG4bKa" + r, null));
        var challenge = (await phone.ExpectResponseAsync(401)).Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];
        var auth = Sip.Auth.TestDigestClient.Authorization(challenge, user, password, "REGISTER", "sip:127.0.0.1");
        phone.Send(Register(phone, user, callId, 2 * round + 1, "z9hG4bKb" + r, auth));
        while (true)
        {
            var answer = await phone.ReceiveAsync(Bound) ?? throw new TimeoutException($"no answer to {user}'s REGISTER {r}");
            if (answer is SipResponse { StatusCode: >= 200 } final) return final;
        }
    }

    private static string Register(RawSipClient phone, string user, string callId, int cseq, string branch, string? authorization)
    {
        var port = phone.Port.ToString(CultureInfo.InvariantCulture);
        return "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{user}@127.0.0.1>;tag=g{cseq.ToString(CultureInfo.InvariantCulture)}\r\n" +
            $"To: <sip:{user}@127.0.0.1>\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
            $"Contact: <sip:{user}@127.0.0.1:{port}>\r\n" +
            "Expires: 300\r\n" +
            (authorization is null ? "" : $"Authorization: {authorization}\r\n") +
            "Content-Length: 0\r\n\r\n";
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

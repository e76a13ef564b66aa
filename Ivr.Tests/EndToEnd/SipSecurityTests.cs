using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ivr.Engine.Ops;
using Ivr.Tests.Ops;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Issue 14 against the real <c>ivr serve</c> process: a flooding source is banned and legitimate callers from another
/// address are still served; what a hostile peer sends never puts a raw control character into the log.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class SipSecurityTests(ITestOutputHelper output)
{
    private const string Flooder = "127.0.0.2";
    private const string Caller = "127.0.0.3";
    private const string AdminToken = "sip-security-admin";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    /// <summary>
    /// 127.0.0.2 floods 1,000 INVITEs/s for 10 s while 127.0.0.3 places 100 calls at 5/s: at least 99 of the 100 succeed,
    /// the flooder gets at most 2,500 calls in and is banned within 2 s of the flood's start; afterwards a call goes through,
    /// and an operator lifts the ban with <c>DELETE /api/security/bans/{source}</c> (admin token required).
    /// </summary>
    [Fact]
    public async Task Flood_FromOneSource_IsBannedWithin2s_WhileAnotherSourcesCallsSucceed()
    {
        await using var engine = await EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=greet", "--set", "Ops:AdminToken=" + AdminToken);

        using var caller = SippProcess.StartOn(Caller, SippProcess.FreeUdpPort(), Bound,
            engine.Target, "-sf", SippProcess.Scenario("uac_wait_bye.xml"), "-s", "hotline", "-m", "100", "-r", "5", "-trace_stat", "-fd", "1");
        using var warmUp = new PeriodicTimer(TimeSpan.FromSeconds(2));
        await warmUp.WaitForNextTickAsync();

        var floodStart = DateTimeOffset.UtcNow;
        using var flooder = SippProcess.StartOn(Flooder, SippProcess.FreeUdpPort(), TimeSpan.FromSeconds(10),
            engine.Target, "-sn", "uac", "-s", "hotline", "-r", "1000", "-m", "10000", "-l", "20000", "-trace_stat", "-fd", "1");
        await flooder.WaitAsync(TimeSpan.FromSeconds(60));
        var callerExit = await caller.WaitAsync(Bound);

        var callerStats = SippStats.Read(caller.WorkDir);
        var floodStats = SippStats.Read(flooder.WorkDir);
        var flooderCalls = Regex.Matches(engine.Log, @"Call (\S+@127\.0\.0\.2) from ").Select(m => m.Groups[1].Value).Distinct().Count();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        using var bans = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/security/bans", UriKind.Relative)));
        var ban = Assert.Single(bans.RootElement.GetProperty("bans").EnumerateArray());
        var since = ban.GetProperty("since").GetDateTimeOffset();
        output.WriteLine($"flooder: {floodStats.Created} INVITEs started in 10 s, {flooderCalls} calls taken, banned {(since - floodStart).TotalMilliseconds:0} ms after the flood's start; " +
                         $"caller: {callerStats.Successful}/100 succeeded (sipp exit {callerExit}); ban: {ban}");

        Assert.True(callerStats.Successful >= 99, $"{callerStats.Successful} of 100 legitimate calls succeeded\n{caller.Output}");
        Assert.InRange(flooderCalls, 1, 2500);
        Assert.Equal(Flooder, ban.GetProperty("source").GetString());
        Assert.StartsWith("INVITE over ", ban.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.InRange((since - floodStart).TotalSeconds, 0, 2);
        Assert.Single(Regex.Matches(engine.Log, "SIP source 127\\.0\\.0\\.2 banned for 00:01:00"));
        Assert.DoesNotContain("SIP source 127.0.0.3 banned", engine.Log, StringComparison.Ordinal);

        var metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(1, metrics.Get("ivr_sip_source_bans_total{method=\"INVITE\"}"));
        Assert.Equal(1, metrics.Get("ivr_sip_banned_sources"));
        Assert.True(metrics.Get("ivr_sip_source_limited_total{action=\"dropped\"}") > 1000, "the flood's packets were dropped");

        // The engine serves a call normally afterwards.
        using var after = SippProcess.StartOn(Caller, SippProcess.FreeUdpPort(), TimeSpan.FromSeconds(60),
            engine.Target, "-sf", SippProcess.Scenario("uac_wait_bye.xml"), "-s", "hotline", "-m", "1");
        Assert.True(await after.WaitAsync(TimeSpan.FromSeconds(90)) == 0, "the call after the flood failed:\n" + after.Output);

        // Lifting the ban: refused without the admin token, done with it, and then the list is empty.
        var lift = new Uri("/api/security/bans/" + Flooder, UriKind.Relative);
        using var anonymous = await http.DeleteAsync(lift);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Delete, lift);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        using var lifted = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        using var afterLift = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/security/bans", UriKind.Relative)));
        Assert.Empty(afterLift.RootElement.GetProperty("bans").EnumerateArray());
        using var again = new HttpRequestMessage(HttpMethod.Delete, lift);
        again.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        using var notBanned = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotFound, notBanned.StatusCode);
    }

    /// <summary>
    /// An INVITE whose SDP carries NUL, ESC sequences and a bell, and a From display name with an escaped ESC: refused
    /// (488) and logged with every control character escaped; the engine's whole log holds none raw.
    /// </summary>
    [Fact]
    public async Task HostileInvite_ControlCharactersNeverReachTheLogRaw()
    {
        await using var engine = await EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=greet",
            "--set", "Logging:LogLevel:Ivr.Engine.Sip=Debug");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.4"), 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var server = new IPEndPoint(IPAddress.Loopback, engine.SipPort);

        const string sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.4\r\ns=-\r\nc=IN IP4 127.0.0.4\r\nt=0 0\r\n\0\u001b[2J\u001b]0;owned\u0007evil\r\nm=audio 40000 RTP/AVP 0\r\n";
        var invite = $"INVITE sip:hotline@127.0.0.1:{engine.SipPort} SIP/2.0\r\n" +
                     $"Via: SIP/2.0/UDP 127.0.0.4:{port};branch=z9hG4bKhostile1\r\n" +
                     "Max-Forwards: 70\r\n" +
                     $"From: \"Mallory\" <sip:mallory@127.0.0.4:{port}>;tag=m1\r\n" +
                     $"To: <sip:hotline@127.0.0.1:{engine.SipPort}>\r\n" +
                     "Call-ID: hostile-1@127.0.0.4\r\n" +
                     "CSeq: 1 INVITE\r\n" +
                     $"Contact: <sip:mallory@127.0.0.4:{port}>\r\n" +
                     "Content-Type: application/sdp\r\n" +
                     $"Content-Length: {Encoding.UTF8.GetByteCount(sdp)}\r\n\r\n" + sdp;
        await socket.SendToAsync(Encoding.UTF8.GetBytes(invite), SocketFlags.None, server);
        // A second one with hostile headers: an escaped ESC and NUL in the From display name (RFC 3261 quoted-pair), raw ones in a Subject.
        await socket.SendToAsync(Encoding.UTF8.GetBytes(invite
            .Replace("hostile-1", "hostile-2", StringComparison.Ordinal)
            .Replace("z9hG4bKhostile1", "z9hG4bKhostile2", StringComparison.Ordinal)
            .Replace("\"Mallory\"", "\"Mallory \\\u001b[31m\\\0\"", StringComparison.Ordinal)
            .Replace("CSeq: 1 INVITE\r\n", "CSeq: 1 INVITE\r\nSubject: \u001b[5mflash\0\r\n", StringComparison.Ordinal)), SocketFlags.None, server);

        var line = await engine.WaitForLogAsync("hostile-1@127.0.0.4 rejected with 488", Bound);
        output.WriteLine(line);
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(Bound);
        string final;
        do
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            final = Encoding.UTF8.GetString(buffer, 0, n);
        }
        while (!final.StartsWith("SIP/2.0 488", StringComparison.Ordinal));

        Assert.Contains("\\x00\\x1B[2J\\x1B]0;owned\\x07evil", line, StringComparison.Ordinal);
        var raw = engine.Log.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').SelectMany(l => l).Where(LogText.NeedsEscape).Distinct().ToList();
        Assert.True(raw.Count == 0, "raw control characters in the log: " + string.Join(", ", raw.Select(c => ((int)c).ToString("X2", CultureInfo.InvariantCulture))) + "\n" + engine.Log);
    }

    // The last line of sipp's -trace_stat file (cumulative columns).
    private sealed record SippStats(long Created, long Successful, long Failed)
    {
        public static SippStats Read(string workDir)
        {
            var file = Directory.GetFiles(workDir, "*.csv").Single();
            var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToList();
            var header = lines[0].Split(';');
            var last = lines[^1].Split(';');
            long Column(string name) => long.Parse(last[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
            return new SippStats(Column("TotalCallCreated"), Column("SuccessfulCall(C)"), Column("FailedCall(C)"));
        }
    }
}

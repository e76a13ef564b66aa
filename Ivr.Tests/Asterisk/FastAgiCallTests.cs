using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// Ivr flows on Asterisk channels: sipp calls a real Asterisk 23 (PJSIP), whose dial plan runs
/// <c>AGI(agi://127.0.0.1:PORT/agi-hotline)</c> on the real <c>ivr serve</c> process; and FastAGI peers that misbehave.
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.B)]
public sealed class FastAgiCallTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-agi-test-").FullName;
    private readonly int _agiPort = PostgresServer.FreeTcpPort();

    private string Sounds => Path.Combine(_data, "asterisk-sounds");

    [Fact]
    public async Task SippThroughAsterisk_PromptsPlayAndDtmfChoosesBilling_TheDialPlanSeesTheFlowVariables()
    {
        await using var engine = await StartEngineAsync();
        await using var asterisk = await AsteriskProcess.StartAsync($$"""
            exten => 100,1,Answer()
             same => n,Set(IVR_DEPARTMENT=unset)
             same => n,AGI(agi://127.0.0.1:{{_agiPort}}/agi-hotline)
             same => n,System(echo "status=${AGISTATUS} outcome=${IVR_OUTCOME} department=${IVR_DEPARTMENT} transfer=${IVR_TRANSFER}" > {DIR}/after-agi.txt)
             same => n,Wait(1)
             same => n,Hangup()
            """);

        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), asterisk.SipTarget,
            "-sf", SippProcess.Scenario("uac_dtmf_wait_bye.xml"), "-s", "100", "-m", "1");
        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());
        var afterAgi = Path.Combine(asterisk.Folder, "after-agi.txt");
        Assert.True(File.Exists(afterAgi), "the dial plan did not continue after AGI:\n" + asterisk.ReadLog() + "\nengine:\n" + engine.Log);
        Assert.True("status=SUCCESS outcome=transferred department=billing transfer=sip:billing@pbx.example" == File.ReadAllText(afterAgi).Trim(),
            File.ReadAllText(afterAgi) + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());

        // Asterisk played the engine's prompts from the shared folder: the menu (cut short by the key) and billing's.
        var played = asterisk.ReadLog().Split('\n')
            .Where(l => l.Contains("Playing '" + Sounds + "/ivr-", StringComparison.Ordinal))
            .ToList();
        Assert.True(played.Count >= 2, "Asterisk played fewer than 2 engine prompts:\n" + asterisk.ReadLog());
        Assert.True(played.Select(l => l[l.IndexOf("/ivr-", StringComparison.Ordinal)..].Split('\'')[0]).Distinct().Count() >= 2, string.Join("\n", played));

        var ended = await engine.WaitForLogAsync(" ended: ", Bound);
        Assert.Contains("ended: transferred", ended, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        using var recent = JsonDocument.Parse(await http.GetStringAsync("/api/calls/recent"));
        var call = Assert.Single(recent.RootElement.EnumerateArray());
        Assert.Equal("asterisk", call.GetProperty("source").GetString());
        Assert.StartsWith("agi-", call.GetProperty("callId").GetString(), StringComparison.Ordinal);
        Assert.Equal("+33612345678", call.GetProperty("from").GetString());
        Assert.Equal("transferred", call.GetProperty("outcome").GetString());
        using var timeline = JsonDocument.Parse(await http.GetStringAsync("/api/calls/" + call.GetProperty("callId").GetString()));
        Assert.Contains("DTMF 1", timeline.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowThatHangsUp_HangsUpTheChannel_AndItsHangupExtensionSeesTheVariables()
    {
        await using var engine = await StartEngineAsync();
        await using var asterisk = await AsteriskProcess.StartAsync($$"""
            exten => 100,1,Answer()
             same => n,AGI(agi://127.0.0.1:{{_agiPort}}/agi-hotline)
             same => n,System(echo continued > {DIR}/after-agi.txt)
             same => n,Wait(1)
             same => n,Hangup()
            exten => h,1,System(echo "outcome=${IVR_OUTCOME} department=${IVR_DEPARTMENT}" > {DIR}/hangup.txt)
            """);

        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), asterisk.SipTarget,
            "-sf", SippProcess.Scenario("uac_dtmf2_wait_bye.xml"), "-s", "100", "-m", "1");
        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());
        var hangup = Path.Combine(asterisk.Folder, "hangup.txt");
        await WaitForFileAsync(hangup);
        Assert.Equal("outcome=hangup:support department=none", File.ReadAllText(hangup).Trim());
        Assert.False(File.Exists(Path.Combine(asterisk.Folder, "after-agi.txt")), "the dial plan went on after the flow hung up");
        Assert.Contains("ended: hangup:support", await engine.WaitForLogAsync(" ended: ", Bound), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerHangsUpMidPrompt_TheCallEndsCleanly_NoCallLeft()
    {
        await using var engine = await StartEngineAsync();
        await using var asterisk = await AsteriskProcess.StartAsync($$"""
            exten => 100,1,Answer()
             same => n,AGI(agi://127.0.0.1:{{_agiPort}}/agi-hotline)
             same => n,Hangup()
            """);
        using var rtp = new UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var rtpPort = ((System.Net.IPEndPoint)rtp.Client.LocalEndPoint!).Port;

        // The caller listens for 3 s of the 18 s menu prompt, then hangs up (BYE).
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), asterisk.SipTarget,
            "-sf", SippProcess.Scenario("uac_listen_bye.xml"), "-s", "100", "-m", "1",
            "-key", "rtp_port", rtpPort.ToString(CultureInfo.InvariantCulture));
        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nasterisk:\n" + asterisk.ReadLog());
        Assert.Contains("ended: caller-hangup", await engine.WaitForLogAsync(" ended: ", Bound), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("[]", (await http.GetStringAsync("/api/calls")).Trim());
        Assert.True(rtp.Available > 0, "Asterisk sent no audio to the caller while the prompt played");
    }

    [Fact]
    public async Task GarbageAPeerClosingMidCommandAndAnUnknownFlow_EndOnlyTheirSession_TheEngineKeepsServing()
    {
        await using var engine = await StartEngineAsync();

        // Not AGI at all: the engine closes the connection and says why.
        using (var garbage = await ConnectAsync())
        {
            var stream = garbage.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\nHost: x\n\n"));
            Assert.Equal(0, await ReadUntilClosedAsync(stream));
        }
        await engine.WaitForLogAsync("bad environment (environment", Bound);

        // A channel whose peer vanishes in the middle of a prompt: that call ends as the caller's hang-up.
        using (var peer = await ConnectAsync())
        {
            var stream = peer.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Environment("1700000000.1")));
            var reader = new StreamReader(stream, Encoding.ASCII);
            while (true)
            {
                var command = await reader.ReadLineAsync().WaitAsync(Bound);
                Assert.True(command is not null, "the engine closed the session:\n" + engine.Log);
                if (command.StartsWith("STREAM FILE ", StringComparison.Ordinal)) break;
                await stream.WriteAsync(Encoding.ASCII.GetBytes("200 result=0\n"));
            }
        }
        var ended = await engine.WaitForLogAsync("Call agi-1700000000.1 ended: ", Bound);
        Assert.Contains("ended: caller-hangup", ended, StringComparison.Ordinal);

        // A third session still gets its flow: the engine kept serving.
        using var next = await ConnectAsync();
        var nextStream = next.GetStream();
        await nextStream.WriteAsync(Encoding.ASCII.GetBytes(Environment("1700000000.2")));
        var nextReader = new StreamReader(nextStream, Encoding.ASCII);
        Assert.Equal("ANSWER", await nextReader.ReadLineAsync().WaitAsync(Bound));

        // A script naming no loaded flow: the channel goes back to the dial plan, told why.
        using (var unknown = await ConnectAsync())
        {
            var stream = unknown.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Environment("1700000000.3").Replace("agi-hotline", "no-such-flow", StringComparison.Ordinal)));
            var reader = new StreamReader(stream, Encoding.ASCII);
            var commands = new List<string>();
            while (await reader.ReadLineAsync().WaitAsync(Bound) is { } command)
            {
                commands.Add(command);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("200 result=1\n"));
            }
            Assert.Equal(["SET VARIABLE IVR_RESULT \"rejected\"", "SET VARIABLE IVR_STATUS \"480\""], commands);
        }

        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches("ivr_asterisk_agi_errors(_total)?\\{[^}]*reason=\"environment\"[^}]*\\} 1\\b", metrics);
    }

    [Fact]
    public async Task QueueStepOnAnAgiCall_FailsAtOnce_NoAgentIsRung()
    {
        await using var engine = await StartEngineAsync();
        using var peer = await ConnectAsync();
        var stream = peer.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Environment("1700000000.9").Replace("agi-hotline", "agi-queue", StringComparison.Ordinal)));
        var reader = new StreamReader(stream, Encoding.ASCII);

        var commands = new List<string>();
        while (await reader.ReadLineAsync().WaitAsync(Bound) is { } command)
        {
            commands.Add(command);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command.StartsWith("WAIT FOR DIGIT", StringComparison.Ordinal) ? "200 result=0\n" : command == "ANSWER" ? "200 result=0\n" : "200 result=1\n"));
        }

        Assert.Contains("SET VARIABLE IVR_OUTCOME \"hangup:queue-failed\"", commands);
        Assert.Equal("HANGUP", commands[^1]);
        Assert.Contains("cannot be bridged to an agent", engine.Log, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<EngineProcess> StartEngineAsync() => EngineProcess.StartAsync(
        "--flows", "Ivr.Tests/TestData/flows/asterisk",
        "--set", "Asterisk:FastAgi:Listen=127.0.0.1:" + _agiPort.ToString(CultureInfo.InvariantCulture),
        "--set", "Data:Folder=" + _data,
        "--set", "Asterisk:SoundsFolder=" + Sounds);

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _agiPort).WaitAsync(Bound);
        return client;
    }

    // What Asterisk 23 sends first (trimmed to what a session needs, plus a few it always sends).
    private static string Environment(string uniqueId) => string.Join("\n",
    [
        "agi_network: yes",
        "agi_network_script: agi-hotline",
        "agi_request: agi://127.0.0.1/agi-hotline",
        "agi_channel: PJSIP/sipp-00000001",
        "agi_language: en",
        "agi_type: PJSIP",
        "agi_uniqueid: " + uniqueId,
        "agi_version: 23.2.2",
        "agi_callerid: 1001",
        "agi_calleridname: Test",
        "agi_context: from-test",
        "agi_extension: 100",
        "agi_priority: 2",
        "agi_enhanced: 0.0",
        "agi_accountcode: ",
    ]) + "\n\n";

    private static async Task WaitForFileAsync(string path)
    {
        using var cts = new CancellationTokenSource(Bound);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!File.Exists(path) || new FileInfo(path).Length == 0) await ticks.WaitForNextTickAsync(cts.Token);
    }

    private static async Task<int> ReadUntilClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Bound);
        int read;
        do read = await stream.ReadAsync(buffer, cts.Token);
        while (read > 0);
        return read;
    }
}

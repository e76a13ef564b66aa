using System.Globalization;
using System.Text.Json;
using Ivr.Engine.Speech;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Speech;
using Ivr.Tests.Storage;
using Xunit.Abstractions;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// Speech on Asterisk calls: sipp speaks (espeak-ng audio as µ-law RTP) to a real Asterisk 23, whose dial plan runs
/// <c>AGI(agi://…/agi-speech)</c> on the real <c>ivr serve</c>; the engine hears the caller through ARI (a snoop channel
/// and an externalMedia channel in a mixing bridge, RTP to its own media stack) and leaves nothing behind in Asterisk.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AriSpeechTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-ari-test-").FullName;
    private readonly int _agiPort = PostgresServer.FreeTcpPort();

    [Fact]
    public async Task SpokenBilling_OverAriExternalMedia_TakesTheBillingBranch_AndNoChannelOrBridgeIsLeft()
    {
        await using var asterisk = await AsteriskProcess.StartAsync(DialPlan("Wait(30)"));
        await using var engine = await StartEngineAsync(asterisk, AsteriskProcess.AriPassword);
        var script = new SpeechCallScript("ari-billing");
        // The menu prompt lasts 18 s (played in 1 s pieces); the caller speaks over it at 3 s, then stays 2 s for the result.
        script.Add("billing", await SpeakAsync("billing"), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        script.Add("silence", [], TimeSpan.Zero, TimeSpan.FromSeconds(2));

        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, "-sf", script.Write(_data), "-s", "100", "-m", "1", asterisk.SipTarget);
        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());
        var afterAgi = Path.Combine(asterisk.Folder, "after-agi.txt");
        Assert.True(File.Exists(afterAgi), "the dial plan did not continue after AGI:\n" + asterisk.ReadLog() + "\nengine:\n" + engine.Log);
        Assert.True("outcome=transferred department=billing" == File.ReadAllText(afterAgi).Trim(),
            File.ReadAllText(afterAgi) + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());
        Assert.Contains("heard 'billing'", engine.Log, StringComparison.Ordinal);
        Assert.Contains("Caller audio of Asterisk channel", engine.Log, StringComparison.Ordinal);

        // Barge-in: speech stopped the prompt at a next piece; Asterisk did not play all 19 pieces (how many depends on the machine's load).
        Assert.Contains("Barge-in: the caller speaks during the prompt", engine.Log, StringComparison.Ordinal);
        var played = asterisk.ReadLog().Split('\n').Count(l => l.Contains("Playing '" + Path.Combine(_data, "asterisk-sounds") + "/ivr-", StringComparison.Ordinal));
        output.WriteLine($"pieces of the 18 s prompt played before the barge-in: {played}");
        output.WriteLine(string.Join("\n", engine.Log.Split('\n').Where(l => l.Contains("over ARI in", StringComparison.Ordinal) || l.Contains("heard '", StringComparison.Ordinal) || l.Contains("Barge-in", StringComparison.Ordinal))));
        Assert.True(played is >= 1 and < 19, $"Asterisk played {played} pieces of the 18 s prompt:\n" + asterisk.ReadLog());

        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        using var recent = JsonDocument.Parse(await http.GetStringAsync("/api/calls/recent"));
        var call = Assert.Single(recent.RootElement.EnumerateArray());
        Assert.Equal("asterisk", call.GetProperty("source").GetString());
        using var timeline = JsonDocument.Parse(await http.GetStringAsync("/api/calls/" + call.GetProperty("callId").GetString()));
        Assert.Contains("billing", timeline.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("DTMF", timeline.RootElement.GetRawText(), StringComparison.Ordinal);

        await AssertNothingLeftAsync(asterisk, engine);
    }

    [Fact]
    public async Task CallerHangsUpWhileListening_TheCallEnds_AndNoChannelBridgeOrCallIsLeft()
    {
        await using var asterisk = await AsteriskProcess.StartAsync(DialPlan("Wait(30)"));
        await using var engine = await StartEngineAsync(asterisk, AsteriskProcess.AriPassword);
        // Silence only: the caller hangs up 10 s in, during the menu's 18 s prompt, the menu listening (barge-in); the
        // first ARI open of the engine has all that time on a loaded machine (it is asserted to have happened).
        var script = new SpeechCallScript("ari-hangup");
        script.Add("silence", [], TimeSpan.Zero, TimeSpan.FromSeconds(10));

        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, "-sf", script.Write(_data), "-s", "100", "-m", "1", asterisk.SipTarget);
        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());
        Assert.Contains("ended: caller-hangup", await engine.WaitForLogAsync(" ended: ", Bound), StringComparison.Ordinal);
        Assert.Contains("over ARI in", engine.Log, StringComparison.Ordinal);
        await AssertNothingLeftAsync(asterisk, engine);
        Assert.DoesNotContain("No speech on Asterisk channel", engine.Log, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        Assert.Matches("ivr_asterisk_ari_media_open(_total)?(\\{[^}]*\\})? 0\\b", await http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task WrongAriPassword_TheSpeechMenuTakesKeys_OneLineAndACounter_TheCallGoesOn()
    {
        await using var asterisk = await AsteriskProcess.StartAsync(DialPlan("Wait(1)"));
        await using var engine = await StartEngineAsync(asterisk, "not-the-password");

        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), asterisk.SipTarget,
            "-sf", SippProcess.Scenario("uac_dtmf_wait_bye.xml"), "-s", "100", "-m", "1");
        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log + "\nasterisk:\n" + asterisk.ReadLog());
        Assert.Equal("outcome=transferred department=billing", File.ReadAllText(Path.Combine(asterisk.Folder, "after-agi.txt")).Trim());
        var warning = await engine.WaitForLogAsync("No speech on Asterisk channel", Bound);
        Assert.Contains("ARI failed (auth", warning, StringComparison.Ordinal);
        Assert.Single(engine.Log.Split('\n'), l => l.Contains("No speech on Asterisk channel", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        Assert.Matches("ivr_asterisk_ari_errors(_total)?\\{[^}]*reason=\"auth\"[^}]*\\} 1\\b", await http.GetStringAsync("/metrics"));
        await AssertNothingLeftAsync(asterisk, engine);
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

    private string DialPlan(string afterAgi) => $$"""
        exten => 100,1,Answer()
         same => n,Set(IVR_DEPARTMENT=unset)
         same => n,AGI(agi://127.0.0.1:{{_agiPort}}/agi-speech)
         same => n,System(echo "outcome=${IVR_OUTCOME} department=${IVR_DEPARTMENT}" > {DIR}/after-agi.txt)
         same => n,{{afterAgi}}
         same => n,Hangup()
        """;

    private async Task<EngineProcess> StartEngineAsync(AsteriskProcess asterisk, string password)
    {
        var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/asterisk",
            "--set", "Asterisk:FastAgi:Listen=127.0.0.1:" + _agiPort.ToString(CultureInfo.InvariantCulture),
            "--set", "Data:Folder=" + _data,
            "--set", "Asterisk:SoundsFolder=" + Path.Combine(_data, "asterisk-sounds"),
            "--set", "Asterisk:Ari:Url=" + asterisk.AriUrl,
            "--set", "Asterisk:Ari:User=" + AsteriskProcess.AriUser,
            "--set", "Asterisk:Ari:Password=" + password,
            "--set", "Asterisk:Ari:App=ivr-test");
        await engine.WaitForLogAsync("recognition decoders loaded", TimeSpan.FromSeconds(60));
        return engine;
    }

    private async Task<short[]> SpeakAsync(string text)
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = Path.Combine(_data, "espeak"), WordsPerMinute = 140 });
        return await SpeechTestAudio.SpeakAsync(synthesizer, text, "en-us");
    }

    // Asterisk has no channel and no bridge left (the snoop and external media channels and the bridge are destroyed,
    // the caller's channel is gone), and the engine no live call; polled, bounded.
    private static async Task AssertNothingLeftAsync(AsteriskProcess asterisk, EngineProcess engine)
    {
        using var http = new HttpClient { BaseAddress = new Uri(engine.HttpBase), Timeout = TimeSpan.FromSeconds(30) };
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string channels, bridges, calls;
        while (true)
        {
            channels = await asterisk.AriGetAsync("channels");
            bridges = await asterisk.AriGetAsync("bridges");
            calls = await http.GetStringAsync("/api/calls");
            if ((channels == "[]" && bridges == "[]" && JsonDocument.Parse(calls).RootElement.GetArrayLength() == 0) || clock.Elapsed > TimeSpan.FromSeconds(20)) break;
            await ticks.WaitForNextTickAsync();
        }
        Assert.True(channels == "[]", "channels left in Asterisk: " + channels + "\nengine:\n" + engine.Log);
        Assert.True(bridges == "[]", "bridges left in Asterisk: " + bridges + "\nengine:\n" + engine.Log);
        Assert.True(JsonDocument.Parse(calls).RootElement.GetArrayLength() == 0, "calls left in the engine: " + calls);
    }
}

using System.Text.RegularExpressions;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The speech packages missing: the real engine is started with its PocketSphinx model and espeak-ng pointed at paths
/// that do not exist (as on a machine without <c>pocketsphinx-en-us</c> and <c>espeak-ng</c>). It must start, take
/// DTMF calls, and say once — not per call — what to install.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public class SpeechMissingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SpeechPackagesMissing_EngineTakesDtmfCalls_AndSaysOnceHowToInstall()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ivr-no-speech-" + Guid.NewGuid().ToString("N")[..8]);
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/e2e",
            "--set", "Flows:Map:hotline=dtmf-branch",
            "--set", "Speech:AcousticModel=" + Path.Combine(missing, "en-us"),
            "--set", "Speech:Dictionary=" + Path.Combine(missing, "cmudict-en-us.dict"),
            "--set", "Speech:Espeak=" + Path.Combine(missing, "espeak-ng"));

        // Two DTMF calls, one after the other, on the menu (the speech menu of speech-e2e is loaded too).
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_dtmf_wait_bye.xml"), "-s", "hotline", "-m", "2", "-l", "1");
        var exit = await sipp.WaitAsync(Bound);
        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        // The engine logs asynchronously: wait (bounded) until both calls' end lines are written.
        var deadline = DateTime.UtcNow + Bound;
        while (Regex.Matches(engine.Log, "ended: hangup:billing").Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        var log = engine.Log;
        Assert.Equal(2, Regex.Matches(log, "ended: hangup:billing").Count);

        Assert.Single(Matches(log, "Speech recognition is off"));
        Assert.Contains("apt-get install libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us", Matches(log, "Speech recognition is off")[0], StringComparison.Ordinal);
        Assert.Single(Matches(log, "Speech synthesis is off"));
        Assert.Contains("apt-get install espeak-ng", Matches(log, "Speech synthesis is off")[0], StringComparison.Ordinal);
        Assert.Contains("Speech: recognition off (DTMF only), synthesis off", log, StringComparison.Ordinal);
    }

    private static List<string> Matches(string log, string needle) =>
        log.Split('\n').Where(l => l.Contains(needle, StringComparison.Ordinal)).ToList();
}

using Ivr.Engine.Media;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// A second SIP peer nobody here wrote: baresip (Debian) as a headless caller dials the real <c>ivr serve</c> process
/// over 127.0.0.1, sends RFC 4733 DTMF, and hears the engine's prompts until the engine hangs up.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed class BaresipCallTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-baresip-");

    /// <summary>
    /// baresip dials the hotline, presses 2 in the dtmf-branch menu: the flow takes the support branch, the engine
    /// hangs up with BYE, baresip sees its call closed, and what baresip heard (the prompts) is real audio.
    /// </summary>
    [Fact]
    public async Task BaresipDtmfTwo_TakesTheSupportBranch_AndTheEngineHangsUp_WhileBaresipHearsThePrompts()
    {
        await using var engine = await EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=dtmf-branch");
        var source = Path.Combine(_folder.FullName, "caller.wav");
        WriteQuietNoise(source, TimeSpan.FromSeconds(15));
        await using var baresip = await BaresipProcess.StartAsync(_folder.FullName, source, Bound);

        var dial = await baresip.CommandAsync("dial", $"sip:hotline@{engine.Target}", Bound);
        Assert.True(dial.GetProperty("ok").GetBoolean(), "dial refused: " + dial);
        await engine.WaitForLogAsync("from caller to hotline on flow dtmf-branch", Bound);
        await baresip.WaitForEventAsync("CALL_ESTABLISHED", Bound);

        var dtmf = await baresip.CommandAsync("sndcode", "2", Bound);
        Assert.True(dtmf.GetProperty("ok").GetBoolean(), "sndcode refused: " + dtmf);

        var ended = await engine.WaitForLogAsync(" ended: ", Bound);
        Assert.True(ended.Contains("ended: hangup:support", StringComparison.Ordinal), $"the call ended otherwise: {ended}\nengine:\n{engine.Log}\nbaresip:\n{baresip.Output}");
        var closed = await baresip.WaitForEventAsync("CALL_CLOSED", Bound);
        var terminated = await baresip.WaitForOutputAsync("terminated", Bound);
        Assert.Contains($"Call with sip:hotline@{engine.Target} terminated", terminated, StringComparison.Ordinal);
        Assert.DoesNotContain("ended: caller-hangup", engine.Log, StringComparison.Ordinal);

        // One more command round trip: baresip handles it after destroying the call, when sndfile has closed its files.
        await baresip.CommandAsync("reginfo", string.Empty, Bound);
        var heard = Directory.GetFiles(baresip.RecordingFolder, "dump-*-dec.wav");
        Assert.True(heard.Length == 1, $"expected one dump-*-dec.wav, found {heard.Length}; call closed with {closed}; output:\n{baresip.Output}");
        var samples = WavFile.Read(heard[0]);
        Assert.True(samples.Length > 8000, $"baresip heard only {samples.Length} samples");
        Assert.Contains(samples, s => s != 0);
    }

    /// <summary>Removes the config folder, the caller's audio and baresip's recordings.</summary>
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

    /// <summary>
    /// Quiet noise (about -50 dBFS), so baresip's source never triggers the engine's speech handling and the call lasts
    /// until the engine hangs up; baresip ends its call when the file ends.
    /// </summary>
    internal static void WriteQuietNoise(string path, TimeSpan duration)
    {
        var random = new Random(4733);
        var samples = new short[(int)(WavFile.TargetSampleRate * duration.TotalSeconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)random.Next(-100, 101);
        using var writer = WavWriter.Create(path);
        writer.Write(samples);
    }
}

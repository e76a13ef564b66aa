using System.Globalization;
using System.Text;
using Ivr.Engine.Media;
using Ivr.Tests.Flows.Loading;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// SRTP with a peer nobody here wrote: baresip (Debian, its <c>srtp</c> module with <c>mediaenc=srtp-mand</c>) calls the
/// real <c>ivr serve</c> with <c>Media:Srtp=required</c> over 127.0.0.1, and a raw socket watches what crosses the wire.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed class BaresipSrtpCallTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-baresip-srtp-");

    /// <summary>
    /// baresip offers RTP/SAVP with SDES keys; the engine answers with its own; DTMF 2 takes the support branch and the
    /// engine hangs up; baresip decrypts and hears the prompt. On the wire, the engine's RTP payloads are not the prompt's
    /// PCMU (none of them equals a 160-byte frame of it, their bytes are near 8 bits of entropy), while decrypting the very
    /// same packets with the key from the engine's 200 OK SDP gives back the prompt's frames.
    /// </summary>
    [Fact]
    public async Task BaresipSrtpMandatory_DtmfTakesTheSupportBranch_ThePromptIsHeard_AndTheWireCarriesNoPlainPcmu()
    {
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=dtmf-branch", "--set", "Media:Srtp=required");
        var source = Path.Combine(_folder.FullName, "caller.wav");
        WriteQuietNoise(source, TimeSpan.FromSeconds(15));
        // A port range of this test's own, so the capture keeps no other test's RTP: what reaches baresip's RTP ports, and
        // the engine's SIP.
        var rtpFirst = 40000 + (2 * Random.Shared.Next(0, 4000));
        using var capture = LoopbackUdpCapture.Start((from, to) => (to >= rtpFirst && to <= rtpFirst + 20) || from == engine.SipPort);
        var rtpPorts = $"{rtpFirst.ToString(CultureInfo.InvariantCulture)}-{(rtpFirst + 20).ToString(CultureInfo.InvariantCulture)}";
        await using var baresip = await BaresipProcess.StartAsync(
            _folder.FullName, source, Bound, "<sip:caller@127.0.0.1>;regint=0;audio_codecs=PCMU;mediaenc=srtp-mand", ["srtp.so"], rtpPorts);

        var dial = await baresip.CommandAsync("dial", $"sip:hotline@{engine.Target}", Bound);
        Assert.True(dial.GetProperty("ok").GetBoolean(), "dial refused: " + dial);
        await baresip.WaitForEventAsync("CALL_ESTABLISHED", Bound);
        // Two seconds of the menu prompt before the key press.
        await engine.WaitForLogAsync("from caller to hotline on flow dtmf-branch", Bound);
        await WaitForPacketsAsync(capture, rtpFirst, 100);
        var dtmf = await baresip.CommandAsync("sndcode", "2", Bound);
        Assert.True(dtmf.GetProperty("ok").GetBoolean(), "sndcode refused: " + dtmf);

        var ended = await engine.WaitForLogAsync(" ended: ", Bound);
        Assert.True(ended.Contains("ended: hangup:support", StringComparison.Ordinal), $"the call ended otherwise: {ended}\nengine:\n{engine.Log}\nbaresip:\n{baresip.Output}");
        await baresip.WaitForEventAsync("CALL_CLOSED", Bound);
        await baresip.CommandAsync("reginfo", string.Empty, Bound);

        // What baresip heard after decrypting: the prompt, well above the -50 dBFS of silence or noise.
        var heard = Directory.GetFiles(baresip.RecordingFolder, "dump-*-dec.wav");
        Assert.True(heard.Length == 1, $"expected one dump-*-dec.wav, found {heard.Length}; output:\n{baresip.Output}");
        var samples = WavFile.Read(heard[0]);
        var loudFrames = samples.Chunk(160).Count(f => Math.Sqrt(f.Average(s => (double)s * s)) > 500);
        output.WriteLine($"baresip heard {samples.Length} samples, {loudFrames} frames of 20 ms above RMS 500");
        Assert.True(loudFrames >= 25, $"baresip heard only {loudFrames} loud frames");

        // The engine's answer (its 200 OK, as captured) keys what the engine sends.
        var datagrams = capture.Snapshot();
        var ok = datagrams.Select(d => Encoding.ASCII.GetString(d.Payload))
            .First(t => t.StartsWith("SIP/2.0 200", StringComparison.Ordinal) && t.Contains("a=crypto:", StringComparison.Ordinal) && t.Contains("INVITE", StringComparison.Ordinal));
        var answer = SdpSession.Parse(ok[(ok.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var audio = answer.Media[0];
        Assert.Equal("RTP/SAVP", audio.Protocol);
        var crypto = Assert.Single(SdpCrypto.From(audio));
        Assert.True(crypto.TryGetKey(out var suite, out var key, out _, out var problem), problem);
        var tag = SrtpSuites.TagLength(suite);

        var sent = datagrams.Where(d => d.SourcePort == audio.Port && d.DestinationPort >= rtpFirst && d.DestinationPort <= rtpFirst + 20).ToList();
        Assert.True(sent.Count >= 100, $"only {sent.Count} RTP packets from the engine were captured");
        Assert.All(sent, d => Assert.Equal(12 + 160 + tag, d.Payload.Length));
        var prompt = new PromptCache(RepoPaths.Sounds).Get("en-US/main_menu.wav").GetEncoded(AudioCodec.Pcmu).ToArray();
        var promptFrames = prompt.Chunk(160).Where(f => f.Length == 160).Select(Convert.ToHexString).ToHashSet();
        var onTheWire = sent.Select(d => d.Payload[12..(12 + 160)]).ToList();
        using var decrypt = new SrtpContext(suite, key);
        var decrypted = new List<byte[]>();
        foreach (var datagram in sent)
        {
            var copy = datagram.Payload.ToArray();
            decrypted.Add(decrypt.Unprotect(copy, out var length) == SrtpUnprotectResult.Ok ? copy[12..length] : []);
        }


        var wireEntropy = Entropy(onTheWire.SelectMany(p => p));
        var plainEntropy = Entropy(decrypted.SelectMany(p => p));
        var wirePromptFrames = onTheWire.Count(p => promptFrames.Contains(Convert.ToHexString(p)));
        var decryptedPromptFrames = decrypted.Count(p => promptFrames.Contains(Convert.ToHexString(p)));
        output.WriteLine($"{SrtpSuites.Name(suite)}: {sent.Count} packets of {12 + 160 + tag} B; payload entropy on the wire {wireEntropy:F2} bits/byte, "
            + $"decrypted {plainEntropy:F2}; prompt frames on the wire {wirePromptFrames}, after decryption {decryptedPromptFrames}");
        Assert.All(decrypted, p => Assert.Equal(160, p.Length));
        Assert.Equal(0, wirePromptFrames);
        Assert.Equal(0, onTheWire.Count(p => p.All(b => b == 0xFF)));
        Assert.True(wireEntropy > 7.5, $"wire payload entropy {wireEntropy:F2} bits/byte");
        Assert.True(decryptedPromptFrames >= 50, $"decrypting gave only {decryptedPromptFrames} frames of the prompt");
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

    private static async Task WaitForPacketsAsync(LoopbackUdpCapture capture, int rtpFirst, int count)
    {
        // Bounded polling: at most 60 s at 50 ms steps.
        for (var i = 0; capture.Snapshot().Count(d => d.DestinationPort >= rtpFirst && d.DestinationPort <= rtpFirst + 20) < count; i++)
        {
            Assert.True(i < 1200, $"fewer than {count} RTP packets reached baresip");
            await Task.Delay(50);
        }
    }

    // Shannon entropy in bits per byte: random bytes are near 8, G.711 speech about 6, digital silence 0.
    private static double Entropy(IEnumerable<byte> bytes)
    {
        var counts = new long[256];
        long total = 0;
        foreach (var b in bytes)
        {
            counts[b]++;
            total++;
        }

        return total == 0 ? 0 : -counts.Where(c => c > 0).Sum(c => (double)c / total * Math.Log2((double)c / total));
    }

    private static void WriteQuietNoise(string path, TimeSpan duration)
    {
        var random = new Random(3711);
        var samples = new short[(int)(WavFile.TargetSampleRate * duration.TotalSeconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)random.Next(-100, 101);
        using var writer = WavWriter.Create(path);
        writer.Write(samples);
    }
}

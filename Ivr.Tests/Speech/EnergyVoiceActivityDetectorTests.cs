using Ivr.Engine.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.Speech;

public class EnergyVoiceActivityDetectorTests(SpeechCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<SpeechCorpusFixture>
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.002)] // a hissy line around −57 dBFS
    public void Process_SilenceThenSpeech_OnsetWithin100Ms(double lineNoise)
    {
        var worst = TimeSpan.Zero;
        foreach (var u in corpus.Utterances)
        {
            var lead = TimeSpan.FromMilliseconds(1010); // not frame-aligned on purpose
            var audio = SpeechTestAudio.Pad(u.Audio, lead, TimeSpan.FromSeconds(1));
            new WhiteNoise(11, lineNoise).AddTo(audio);
            var onset = TrueOnset(audio, (int)(lead.TotalSeconds * 8000));
            var vad = new EnergyVoiceActivityDetector(VadOptions.Default, TimeSpan.FromMilliseconds(600));
            TimeSpan? detected = null;
            for (var i = 0; i + 160 <= audio.Length && detected is null; i += 160)
            {
                if (vad.Process(audio.AsSpan(i, 160), TimeSpan.FromMilliseconds(20)) > 0)
                {
                    detected = TimeSpan.FromSeconds((i + 160) / 8000.0); // the end of the frame that fired
                }
            }

            Assert.NotNull(detected);
            var latency = detected.Value - onset;
            worst = latency > worst ? latency : worst;
            Assert.True(latency <= TimeSpan.FromMilliseconds(100), $"{u}: onset {onset.TotalMilliseconds} ms, detected {detected.Value.TotalMilliseconds} ms");
            Assert.True(latency >= TimeSpan.Zero, $"{u}: fired {-latency.TotalMilliseconds} ms before the speech");
        }

        output.WriteLine($"line noise {lineNoise}: worst start-of-speech latency {worst.TotalMilliseconds} ms over {corpus.Utterances.Count} utterances");
    }

    [Fact]
    public void Process_SpeechThenSilence_EndsAfterConfiguredSilence()
    {
        var u = corpus.Utterances.First(x => x.Phrase == "technical support");
        var audio = SpeechTestAudio.Pad(u.Audio, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(2));
        var lastLoud = LastLoudSample(audio);
        var vad = new EnergyVoiceActivityDetector(VadOptions.Default, TimeSpan.FromMilliseconds(600));
        TimeSpan? ended = null;
        for (var i = 0; i + 160 <= audio.Length && ended is null; i += 160)
        {
            if (vad.Process(audio.AsSpan(i, 160), TimeSpan.FromMilliseconds(20)) < 0)
            {
                ended = TimeSpan.FromSeconds((i + 160) / 8000.0);
            }
        }

        Assert.NotNull(ended);
        var afterSpeech = ended.Value - TimeSpan.FromSeconds(lastLoud / 8000.0);
        output.WriteLine($"end of speech {afterSpeech.TotalMilliseconds:F0} ms after the last loud sample");
        Assert.InRange(afterSpeech.TotalMilliseconds, 560, 700);
    }

    [Fact]
    public void Process_DigitalSilence_NeverFires()
    {
        var vad = new EnergyVoiceActivityDetector(VadOptions.Default, TimeSpan.FromMilliseconds(600));
        var frame = new short[160];
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(0, vad.Process(frame, TimeSpan.FromMilliseconds(20)));
        }

        Assert.False(vad.InSpeech);
    }

    // First sample of the speech whose 5 ms envelope exceeds −40 dBFS: where a listener hears the word begin.
    private static TimeSpan TrueOnset(short[] audio, int from)
    {
        for (var i = from; i + 40 <= audio.Length; i++)
        {
            if (EnergyVoiceActivityDetector.EnergyDbfs(audio.AsSpan(i, 40)) > -40)
            {
                return TimeSpan.FromSeconds(i / 8000.0);
            }
        }

        throw new InvalidOperationException("no speech found");
    }

    private static int LastLoudSample(short[] audio)
    {
        for (var i = audio.Length - 40; i >= 0; i--)
        {
            if (EnergyVoiceActivityDetector.EnergyDbfs(audio.AsSpan(i, 40)) > -40)
            {
                return i + 40;
            }
        }

        return 0;
    }
}

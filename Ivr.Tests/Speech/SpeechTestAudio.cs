using Ivr.Engine.Speech;

namespace Ivr.Tests.Speech;

/// <summary>Test audio: espeak-ng renders through the real synthesiser, silence padding and frame-by-frame feeding.</summary>
internal static class SpeechTestAudio
{
    public const int FrameSamples = 160;

    public static string TempFolder(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ivr-speech-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Renders <paramref name="text"/> with espeak-ng and returns our 8 kHz conversion.</summary>
    public static async Task<short[]> SpeakAsync(EspeakSynthesizer synthesizer, string text, string voice)
    {
        var path = await synthesizer.RenderAsync(text, "en-US", voice);
        var wav = WavAudio.Read(path);
        Assert.Equal(8000, wav.SampleRate);
        return wav.Samples;
    }

    public static short[] Pad(ReadOnlySpan<short> speech, TimeSpan before, TimeSpan after)
    {
        var pre = (int)(before.TotalSeconds * 8000);
        var post = (int)(after.TotalSeconds * 8000);
        var all = new short[pre + speech.Length + post];
        speech.CopyTo(all.AsSpan(pre));
        return all;
    }

    /// <summary>Feeds 20 ms frames until the session completes (or audio runs out, then finishes it).</summary>
    public static RecognitionResult Recognize(IRecognitionSession session, ReadOnlySpan<short> audio)
    {
        for (var i = 0; i + FrameSamples <= audio.Length; i += FrameSamples)
        {
            if (session.Feed(audio.Slice(i, FrameSamples)) == RecognitionSignal.Completed)
            {
                return session.Result!;
            }
        }

        return session.Finish();
    }
}

using System.Text.RegularExpressions;
using Ivr.Engine.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.Speech;

/// <summary>
/// Real recorded human speech from Debian's <c>pocketsphinx-testdata</c> (16 kHz), taken down to 8 kHz by our resampler
/// so it goes through the telephone path, recognised with a grammar built from the package's own transcripts.
/// </summary>
public partial class HumanSpeechTests(ITestOutputHelper output)
{
    private const string Data = "/usr/share/pocketsphinx/test/data";

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    [InlineData(-20)]
    public void Recognize_PocketsphinxTestdataAt8kHz_MostUtterancesRight(double db)
    {
        // Also 10 and 20 dB quieter (a faint line): measured without the level normalisation 6/10 and 2/10 of the
        // wav utterances; with it, as at the recorded level.
        var gain = Math.Pow(10, db / 20);
        Assert.True(Directory.Exists(Data), "install the Debian package pocketsphinx-testdata");
        var utterances = Transcripts(Path.Combine(Data, "cards", "cards.transcription"), id => Path.Combine(Data, "cards", id + ".wav"))
            .Concat(Transcripts(Path.Combine(Data, "librivox", "transcription"), id => Path.Combine(Data, "librivox", id + ".wav")))
            .Append((Text: "go forward ten meters", Path: Path.Combine(Data, "goforward.raw")))
            .ToList();
        var grammar = SpeechGrammar.Create(utterances.Select(u => u.Text));
        // Read speech has pauses between phrases; allow a longer end silence and utterance.
        var options = new RecognitionOptions { EndSilence = TimeSpan.FromMilliseconds(900), MaxSpeech = TimeSpan.FromSeconds(15) };
        using var recognizer = new PocketSphinxRecognizer();

        var right = 0;
        foreach (var (text, path) in utterances)
        {
            var wide = path.EndsWith(".raw", StringComparison.Ordinal) ? RawPcm(path) : WavAudio.Read(path).Samples;
            var narrow = RationalResampler.ResampleAll(wide, 16000, 8000).Select(x => (short)Math.Clamp(x * gain, short.MinValue, short.MaxValue)).ToArray();
            using var session = recognizer.StartSession(grammar, options);
            var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(narrow, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1.5)));
            var ok = result.Kind == RecognitionKind.Match && result.Text == text;
            right += ok ? 1 : 0;
            output.WriteLine($"{(ok ? "ok  " : "MISS")} {Path.GetFileName(path)} '{text}' -> {result.Kind} '{result.Hypothesis}' confidence {result.Confidence:F2}");
        }

        output.WriteLine($"human speech at 8 kHz, {db:+0;-0;0} dB: {right}/{utterances.Count} right");
        Assert.True(right >= utterances.Count - 2, $"only {right}/{utterances.Count} right");
    }

    private static IEnumerable<(string Text, string Path)> Transcripts(string file, Func<string, string> audioPath) =>
        File.ReadLines(file)
            .Select(line => TranscriptLine().Match(line))
            .Where(m => m.Success)
            .Select(m => (Regex.Replace(m.Groups["text"].Value, @"\s+", " ").Trim(), audioPath(m.Groups["id"].Value)));

    private static short[] RawPcm(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    [GeneratedRegex(@"^<s>\s*(?<text>.*?)\s*</s>\s*\((?<id>[^)]+)\)")]
    private static partial Regex TranscriptLine();
}

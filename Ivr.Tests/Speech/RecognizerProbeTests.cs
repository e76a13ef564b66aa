using Ivr.Engine.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.Speech;

public class RecognizerProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        string[] phrases = ["billing", "technical support", "sales", "agent", "yes", "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        var corpus = new List<(string Voice, int Wpm, string Text, short[] Audio)>();
        foreach (var wpm in new[] { 140, 170 })
        {
            var s = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = "/tmp/ivr-probe-" + wpm, WordsPerMinute = wpm });
            foreach (var voice in new[] { "en-us", "en-gb" })
            foreach (var p in phrases.Append("purple elephant umbrella").Append("the weather is nice today"))
            {
                corpus.Add((voice, wpm, p, SpeechTestAudio.Pad(await SpeechTestAudio.SpeakAsync(s, p, voice), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1))));
            }
        }

        var grammar = SpeechGrammar.Create(phrases);
        foreach (var noise in (Environment.GetEnvironmentVariable("PROBE_NOISE") ?? "0.01").Split(',').Select(double.Parse))
        {
            using var recognizer = new PocketSphinxRecognizer(new PocketSphinxOptions { NoiseLevel = noise, ExtraArguments = (Environment.GetEnvironmentVariable("PROBE_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries) });
            var ok = 0; var n = 0;
            foreach (var (voice, wpm, p, audio) in corpus)
            {
                using var session = recognizer.StartSession(grammar);
                var r = SpeechTestAudio.Recognize(session, audio);
                var inGrammar = phrases.Contains(p);
                var right = inGrammar ? r.Text == p : r.Kind == RecognitionKind.NoMatch;
                n++; if (right) ok++;
                if (!right || Environment.GetEnvironmentVariable("PROBE_ALL") == "1")
                    output.WriteLine($"noise={noise} {voice} {wpm} {p,-28} -> {r.Kind} '{r.Text}' conf={r.Confidence:F3} hyp='{r.Hypothesis}'");
            }
            output.WriteLine($"noise={noise}: {ok}/{n}");
        }
    }
}

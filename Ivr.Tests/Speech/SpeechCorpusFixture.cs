using Ivr.Engine.Speech;

namespace Ivr.Tests.Speech;

/// <summary>
/// The synthetic test corpus, made once per test run: espeak-ng (voices en-us and en-gb, 140 and 170 words per minute)
/// through our synthesiser, i.e. resampled 22,050 → 8,000 Hz by our own code; plus one pooled recogniser.
/// </summary>
public sealed class SpeechCorpusFixture : IAsyncLifetime
{
    public static readonly string[] MenuPhrases = ["billing", "technical support", "sales", "agent", "yes", "no"];
    public static readonly string[] DigitWords = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    public static readonly string[] Voices = ["en-us", "en-gb"];
    public static readonly int[] Speeds = [140, 170];

    public PocketSphinxRecognizer Recognizer { get; } = new();

    public SpeechGrammar Grammar { get; } = SpeechGrammar.Create(MenuPhrases);

    public List<CorpusUtterance> Utterances { get; } = [];

    public Dictionary<string, short[]> Nonsense { get; } = [];

    public async Task InitializeAsync()
    {
        Assert.True(Recognizer.IsAvailable, Recognizer.UnavailableReason);
        var cache = SpeechTestAudio.TempFolder("corpus");
        foreach (var speed in Speeds)
        {
            var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = Path.Combine(cache, speed.ToString()), WordsPerMinute = speed });
            foreach (var voice in Voices)
            {
                foreach (var phrase in MenuPhrases.Concat(DigitWords))
                {
                    Utterances.Add(new CorpusUtterance(phrase, voice, speed, await SpeechTestAudio.SpeakAsync(synthesizer, phrase, voice)));
                }

                foreach (var nonsense in new[] { "purple elephant umbrella", "the weather is nice today" })
                {
                    Nonsense[$"{nonsense} ({voice}, {speed})"] = await SpeechTestAudio.SpeakAsync(synthesizer, nonsense, voice);
                }
            }
        }

        Recognizer.WarmUp();
    }

    public Task DisposeAsync()
    {
        Recognizer.Dispose();
        return Task.CompletedTask;
    }
}

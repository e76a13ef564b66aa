using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Speech;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Speech;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>
/// What the speech call tests share: the real PocketSphinx recognizer (warmed up), the <c>speech-menu</c> and
/// <c>services</c> flows, and caller utterances rendered by espeak-ng (8 kHz, as a telephone delivers them).
/// </summary>
public sealed class SpeechCallFixture : IAsyncLifetime
{
    public PocketSphinxRecognizer Recognizer { get; } = new();

    internal CallSpeech Speech { get; private set; } = CallSpeech.None;

    internal LiveFlows Flows { get; private set; } = null!;

    internal CallManagerSettings Settings { get; } = new()
    {
        FlowMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["speech"] = "speech-menu", ["services"] = "services", ["queue"] = "queue-offer" },
    };

    internal Dictionary<string, short[]> Said { get; } = [];

    public async Task InitializeAsync()
    {
        Assert.True(Recognizer.IsAvailable, Recognizer.UnavailableReason);
        Recognizer.WarmUp();
        Speech = new CallSpeech(Recognizer, RecognitionOptions.Default);
        var folder = Directory.CreateTempSubdirectory("ivr-speech-calls-").FullName;
        File.Copy(RepoPaths.TestData("calls", "speech-menu.json"), Path.Combine(folder, "speech-menu.json"));
        File.Copy(RepoPaths.TestData("calls", "services.json"), Path.Combine(folder, "services.json"));
        File.Copy(RepoPaths.TestData("calls", "queue-offer.json"), Path.Combine(folder, "queue-offer.json"));
        Flows = new LiveFlows(folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
        Assert.Equal(3, Flows.Ids.Count);

        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("calls") });
        foreach (var text in new[] { "billing", "technical support", "two", "purple elephant umbrella", "callback", "message" })
        {
            Said[text] = SpeechTestAudio.Pad(await SpeechTestAudio.SpeakAsync(synthesizer, text, "en-us"), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
        }
    }

    public Task DisposeAsync()
    {
        Flows?.Dispose();
        Recognizer.Dispose();
        return Task.CompletedTask;
    }
}

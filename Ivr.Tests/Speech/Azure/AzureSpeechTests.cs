using Ivr.Engine.Speech;
using Ivr.Engine.Speech.Azure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Speech.Azure;

/// <summary>
/// Azure Speech over REST against <see cref="FakeAzureSpeechService"/> (a fake of the cloud boundary serving the recorded
/// documentation bodies): the requests as documented, the responses read, retries, timeouts and the offline fallback
/// (real PocketSphinx and espeak-ng).
/// </summary>
public class AzureSpeechTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Recognize_DetailedResponseFromTheDocs_MatchesThePhrase_RequestAsDocumented()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.Reply(200, FakeAzureSpeechService.DocsDetailedResponse);
        using var client = Client(azure);
        var recognizer = new AzureSpeechRecognizer(client, null, NullLogger.Instance);
        var audio = await Billing();

        using var session = recognizer.StartSession(SpeechGrammar.Create(["weather", "billing"]));
        var result = SpeechTestAudio.Recognize(session, audio);

        // NBest is not sorted: the higher of the two alternatives (0.9246, "what is the weather like") wins.
        Assert.Equal(RecognitionKind.Match, result.Kind);
        Assert.Equal("weather", result.Text);
        Assert.Equal(0.92459863, result.Confidence, 6);
        var request = Assert.Single(azure.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/speech/recognition/conversation/cognitiveservices/v1?language=en-US&format=detailed", request.PathAndQuery);
        Assert.Equal("test-key", request.Headers["Ocp-Apim-Subscription-Key"]);
        Assert.Equal("audio/wav; codecs=audio/pcm; samplerate=16000", request.Headers["Content-Type"]);
        var sent = WavAudio.Read(request.Body);
        Assert.Equal(16000, sent.SampleRate);
        Assert.InRange(sent.Samples.Length, 16000 * 0.3, 16000 * 3.0);
    }

    [Fact]
    public async Task Recognize_SimpleResponseOutOfGrammar_NoMatch()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.Reply(200, FakeAzureSpeechService.DocsSimpleResponse);
        using var client = Client(azure);
        var recognizer = new AzureSpeechRecognizer(client, null, NullLogger.Instance);

        using var session = recognizer.StartSession(SpeechGrammar.Create(["billing"]));
        var result = SpeechTestAudio.Recognize(session, await Billing());

        Assert.Equal(RecognitionKind.NoMatch, result.Kind);
        Assert.Equal("Remind me to buy 5 pencils.", result.Hypothesis);
    }

    [Fact]
    public async Task Recognize_ServiceUnavailableThenAnswer_RetriedOnce()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.Reply(503);
        azure.Reply(200, FakeAzureSpeechService.DocsDetailedResponse);
        using var client = Client(azure);
        var recognizer = new AzureSpeechRecognizer(client, null, NullLogger.Instance);

        using var session = recognizer.StartSession(SpeechGrammar.Create(["weather"]));
        var result = SpeechTestAudio.Recognize(session, await Billing());

        Assert.Equal("weather", result.Text);
        Assert.Equal(2, azure.Requests.Count);
        Assert.Equal(1, client.Retries);
        Assert.Equal(0, recognizer.Fallbacks);
    }

    [Fact]
    public async Task Recognize_AzureTimesOutTwice_OfflineRecognizerDecodesTheUtterance_Counted()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.ReplyLate(TimeSpan.FromSeconds(3), FakeAzureSpeechService.DocsDetailedResponse);
        azure.ReplyLate(TimeSpan.FromSeconds(3), FakeAzureSpeechService.DocsDetailedResponse);
        using var client = Client(azure, TimeSpan.FromMilliseconds(300));
        using var offline = new PocketSphinxRecognizer();
        var recognizer = new AzureSpeechRecognizer(client, offline, NullLogger.Instance);

        using var session = recognizer.StartSession(SpeechGrammar.Create(["billing", "sales"]));
        var result = SpeechTestAudio.Recognize(session, await Billing());

        Assert.Equal(RecognitionKind.Match, result.Kind);
        Assert.Equal("billing", result.Text);
        Assert.Equal(2, azure.Requests.Count);
        Assert.Equal(1, recognizer.Fallbacks);
    }

    [Fact]
    public async Task Recognize_WrongKey_NotRetried_FallsBack()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.Reply(401);
        using var client = Client(azure);
        using var offline = new PocketSphinxRecognizer();
        var recognizer = new AzureSpeechRecognizer(client, offline, NullLogger.Instance);

        using var session = recognizer.StartSession(SpeechGrammar.Create(["billing", "sales"]));
        var result = SpeechTestAudio.Recognize(session, await Billing());

        Assert.Equal("billing", result.Text);
        Assert.Single(azure.Requests);
        Assert.Equal(0, client.Retries);
        Assert.Equal(1, recognizer.Fallbacks);
    }

    [Fact]
    public async Task Synthesize_SsmlAsDocumented_RenderedOnceIntoTheCache()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.ReplyAudio(Tone());
        using var client = Client(azure);
        var synthesizer = new AzureSpeechSynthesizer(client, SpeechTestAudio.TempFolder("azure-tts"), "en-US-JennyNeural", null, NullLogger.Instance);

        var first = await synthesizer.RenderAsync("Fish & chips <today>", "en-US");
        var second = await synthesizer.RenderAsync("Fish & chips <today>", "en-US");

        Assert.Equal(first, second);
        Assert.Equal(1, synthesizer.RenderCount);
        Assert.Equal(8000, WavAudio.Read(first).SampleRate);
        var request = Assert.Single(azure.Requests);
        Assert.Equal("/cognitiveservices/v1", request.PathAndQuery);
        Assert.Equal("riff-8khz-16bit-mono-pcm", request.Headers["X-Microsoft-OutputFormat"]);
        Assert.StartsWith("application/ssml+xml", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(
            "<speak version='1.0' xml:lang='en-US'><voice name='en-US-JennyNeural'>Fish &amp; chips &lt;today&gt;</voice></speak>",
            System.Text.Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public async Task Synthesize_AzureFails_EspeakRendersThePrompt_Counted()
    {
        await using var azure = new FakeAzureSpeechService();
        azure.Reply(500);
        azure.Reply(500);
        using var client = Client(azure);
        var espeak = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("azure-fallback") });
        var synthesizer = new AzureSpeechSynthesizer(client, SpeechTestAudio.TempFolder("azure-tts"), "en-US-JennyNeural", espeak, NullLogger.Instance);

        var path = await synthesizer.RenderAsync("Welcome", "en-US");

        Assert.True(File.Exists(path));
        Assert.Equal(1, espeak.RenderCount);
        Assert.Equal(1, synthesizer.Fallbacks);
        Assert.Equal(2, azure.Requests.Count);
    }

    [LiveAzureFact]
    public async Task Live_RecognizeAndSynthesize_AgainstRealAzure()
    {
        using var client = new AzureSpeechClient(new AzureSpeechClientOptions
        {
            Key = Environment.GetEnvironmentVariable(LiveAzureFactAttribute.KeyVariable)!,
            Region = Environment.GetEnvironmentVariable(LiveAzureFactAttribute.RegionVariable),
            Timeout = TimeSpan.FromSeconds(10),
        });
        var synthesizer = new AzureSpeechSynthesizer(client, SpeechTestAudio.TempFolder("azure-live"), "en-US-JennyNeural", null, NullLogger.Instance);
        var wav = WavAudio.Read(await synthesizer.RenderAsync("technical support", "en-US"));
        var recognizer = new AzureSpeechRecognizer(client, null, NullLogger.Instance);
        using var session = recognizer.StartSession(SpeechGrammar.Create(["billing", "technical support"]));
        var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(wav.Samples, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)));
        Assert.Equal("technical support", result.Text);
        Assert.Equal(0, recognizer.Fallbacks);
    }

    private static AzureSpeechClient Client(FakeAzureSpeechService azure, TimeSpan? timeout = null) => new(new AzureSpeechClientOptions
    {
        Key = "test-key",
        BaseUrl = azure.BaseUrl,
        Timeout = timeout ?? Bound,
        Retries = 1,
    });

    private static async Task<short[]> Billing()
    {
        var espeak = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("azure-audio") });
        return SpeechTestAudio.Pad(await SpeechTestAudio.SpeakAsync(espeak, "billing", "en-us"), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
    }

    private static byte[] Tone()
    {
        var samples = new short[4000];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        return new WavAudio(samples, 8000).ToBytes();
    }
}

/// <summary>A fact that runs only against real Azure Speech: when both environment variables are set.</summary>
public sealed class LiveAzureFactAttribute : FactAttribute
{
    public const string KeyVariable = "IVR_AZURE_SPEECH_KEY";
    public const string RegionVariable = "IVR_AZURE_SPEECH_REGION";

    public LiveAzureFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(KeyVariable)) || string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RegionVariable)))
        {
            Skip = $"live Azure Speech test: set {KeyVariable} and {RegionVariable} to run it against the real service";
        }
    }
}

using Ivr.Engine.Hosting;
using Ivr.Engine.Speech;
using Ivr.Engine.Speech.Azure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Speech.Azure;

/// <summary><c>Speech:Engine = azure</c> from configuration: Azure in front, the offline engines behind it.</summary>
public class SpeechEnginesAzureTests
{
    [Fact]
    public async Task EngineAzure_WithKeyAndRegion_AzureRecognizerAndSynthesizer_OfflineAsFallback()
    {
        await using var azure = new FakeAzureSpeechService();
        var options = new SpeechOptions { Engine = "azure", Azure = new AzureSpeechSettings { Key = "k", BaseUrl = azure.BaseUrl } };
        using var engines = SpeechEngines.Create(options, SpeechTestAudio.TempFolder("engines"), NullLoggerFactory.Instance);

        var recognizer = Assert.IsType<AzureSpeechRecognizer>(engines.Recognizer);
        Assert.IsType<PocketSphinxRecognizer>(recognizer.Fallback);
        Assert.IsType<AzureSpeechSynthesizer>(engines.Synthesizer);
    }

    [Fact]
    public void EngineAzure_WithoutKey_StaysOffline()
    {
        var options = new SpeechOptions { Engine = "azure", Azure = new AzureSpeechSettings { Region = "westeurope" } };
        using var engines = SpeechEngines.Create(options, SpeechTestAudio.TempFolder("engines"), NullLoggerFactory.Instance);

        Assert.IsType<PocketSphinxRecognizer>(engines.Recognizer);
        Assert.IsType<EspeakSynthesizer>(engines.Synthesizer);
    }
}

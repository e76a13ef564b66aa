using Ivr.Engine.Speech;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The recognizer and synthesizer chosen by <c>Speech:Engine</c>: <c>offline</c> (PocketSphinx, espeak-ng), <c>azure</c>
/// (Azure Speech REST with the offline engines as fallback) or <c>none</c>. Missing packages never stop the engine: it
/// runs DTMF-only and says once, at start, what to install.
/// </summary>
public sealed class SpeechEngines : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private SpeechEngines()
    {
    }

    /// <summary>The recognizer calls listen with, or null (DTMF only).</summary>
    public ISpeechRecognizer? Recognizer { get; private set; }

    /// <summary>The synthesizer text prompts are rendered with, or null (text prompts without sound are skipped).</summary>
    public ISpeechSynthesizer? Synthesizer { get; private set; }

    /// <summary>Session settings from the options.</summary>
    public RecognitionOptions Recognition { get; private set; } = RecognitionOptions.Default;

    /// <summary>Builds the engines for <paramref name="options"/>; logs, once, what is off and how to turn it on.</summary>
    public static SpeechEngines Create(SpeechOptions options, string dataFolder, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var log = loggers.CreateLogger<SpeechEngines>();
        var engines = new SpeechEngines
        {
            Recognition = RecognitionOptions.Default with { MinConfidence = options.MinConfidence, EndSilence = options.EndSilence, CompleteSilence = options.CompleteSilence },
        };
        var kind = options.Engine.Trim().ToLowerInvariant();
        if (kind == "none")
        {
            log.LogInformation("Speech is off (Speech:Engine = none): menus take DTMF only; text prompts without a sound file are skipped");
            return engines;
        }
        if (kind is not ("offline" or "azure"))
        {
            throw new InvalidOperationException($"Speech:Engine is '{options.Engine}'; expected offline, azure or none.");
        }

        var cache = Path.IsPathRooted(options.CacheFolder) ? options.CacheFolder : Path.Combine(dataFolder, options.CacheFolder);
        var recognizer = new PocketSphinxRecognizer(PocketSphinxOptions.Default with
        {
            AcousticModel = options.AcousticModel,
            Dictionary = options.Dictionary,
            NarrowbandPronunciations = options.NarrowbandPronunciations,
            WarmDecoders = options.WarmDecoders,
            MaxIdleDecoders = options.MaxIdleDecoders,
            IdleDecoderLifetime = options.IdleDecoderLifetime,
        });
        engines._owned.Add(recognizer);
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = cache, Executable = options.Espeak });
        if (recognizer.IsAvailable)
        {
            engines.Recognizer = recognizer;
        }
        else
        {
            log.LogWarning("{Reason} Until then menus take DTMF only.", recognizer.UnavailableReason);
        }
        if (synthesizer.IsAvailable)
        {
            engines.Synthesizer = synthesizer;
        }
        else
        {
            log.LogWarning("{Reason} Until then text prompts without a sound file are skipped.", synthesizer.UnavailableReason);
        }

        if (kind == "azure") engines.UseAzure(options.Azure, cache, loggers);
        log.LogInformation(
            "Speech: recognition {Recognizer}, synthesis {Synthesizer}",
            engines.Recognizer?.GetType().Name ?? "off (DTMF only)", engines.Synthesizer?.GetType().Name ?? "off");
        return engines;
    }

    /// <summary>Frees the native decoders and HTTP clients.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _owned.Clear();
    }

    private void UseAzure(AzureSpeechSettings settings, string cache, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger<SpeechEngines>();
        if (string.IsNullOrWhiteSpace(settings.Key) || (string.IsNullOrWhiteSpace(settings.Region) && string.IsNullOrWhiteSpace(settings.BaseUrl)))
        {
            log.LogWarning("Speech:Engine = azure needs Speech:Azure:Key and Speech:Azure:Region (set IVR__Speech__Azure__Key); using the offline engines");
            return;
        }

        var client = new Speech.Azure.AzureSpeechClient(new Speech.Azure.AzureSpeechClientOptions
        {
            Region = settings.Region,
            Key = settings.Key,
            BaseUrl = settings.BaseUrl,
            Timeout = settings.Timeout,
            Retries = settings.Retries,
        });
        _owned.Add(client);
        var azureLog = loggers.CreateLogger("Ivr.Engine.Speech.Azure");
        Recognizer = new Speech.Azure.AzureSpeechRecognizer(client, Recognizer, azureLog);
        Synthesizer = new Speech.Azure.AzureSpeechSynthesizer(client, Path.Combine(cache, "azure"), settings.Voice, Synthesizer, azureLog);
        log.LogInformation("Speech: Azure Speech in {Region}, offline engines as fallback", settings.Region ?? settings.BaseUrl);
    }
}

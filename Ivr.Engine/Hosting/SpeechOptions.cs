namespace Ivr.Engine.Hosting;

/// <summary>The <c>Speech</c> section: which engine recognises and synthesises, and its settings.</summary>
public sealed class SpeechOptions
{
    /// <summary>
    /// <c>offline</c> (default: PocketSphinx and espeak-ng from Debian), <c>azure</c> (Azure Speech over REST, offline as
    /// the fallback) or <c>none</c> (DTMF only, text prompts without sound are skipped).
    /// </summary>
    public string Engine { get; set; } = "offline";

    /// <summary>Where synthesized prompts are cached (relative paths are under the data folder).</summary>
    public string CacheFolder { get; set; } = "tts";

    /// <summary>Lowest confidence a recognition needs to count (the step's <c>minConfidence</c> applies when higher).</summary>
    public double MinConfidence { get; set; } = 0.55;

    /// <summary>Trailing silence that ends an utterance.</summary>
    public TimeSpan EndSilence { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>
    /// Shorter trailing silence that ends an utterance once the offline recognizer has heard a whole phrase that no longer
    /// phrase continues (zero: always wait <see cref="EndSilence"/>).
    /// </summary>
    public TimeSpan CompleteSilence { get; set; } = Speech.RecognitionOptions.Default.CompleteSilence;

    /// <summary>
    /// Also listen for each /s/ of a phrase as /θ/, which the telephone band makes alike (docs/speech.md, "Accuracy").
    /// </summary>
    public bool NarrowbandPronunciations { get; set; } = Speech.PocketSphinxOptions.Default.NarrowbandPronunciations;

    /// <summary>PocketSphinx's acoustic model folder (Debian package <c>pocketsphinx-en-us</c>).</summary>
    public string AcousticModel { get; set; } = Speech.PocketSphinxOptions.Default.AcousticModel;

    /// <summary>PocketSphinx's pronunciation dictionary (Debian package <c>pocketsphinx-en-us</c>).</summary>
    public string Dictionary { get; set; } = Speech.PocketSphinxOptions.Default.Dictionary;

    /// <summary>
    /// Recognition decoders loaded at start-up and always kept (~27 MB and a 100–250 ms model load each, loads one at a
    /// time): size it to the callers expected to start speaking at the same moment. The first loads before the engine
    /// answers, the rest in the background.
    /// </summary>
    public int WarmDecoders { get; set; } = Speech.PocketSphinxOptions.Default.WarmDecoders;

    /// <summary>Most decoders kept loaded after a burst of simultaneous speakers, so the next burst loads none.</summary>
    public int MaxIdleDecoders { get; set; } = Speech.PocketSphinxOptions.Default.MaxIdleDecoders;

    /// <summary>A decoder beyond <see cref="WarmDecoders"/> idle this long is freed.</summary>
    public TimeSpan IdleDecoderLifetime { get; set; } = Speech.PocketSphinxOptions.Default.IdleDecoderLifetime;

    /// <summary>The espeak-ng executable, a name looked up on <c>PATH</c> or a path (Debian package <c>espeak-ng</c>).</summary>
    public string Espeak { get; set; } = new Speech.EspeakOptions().Executable;

    /// <summary>Azure Speech settings (used when <see cref="Engine"/> is <c>azure</c>).</summary>
    public AzureSpeechSettings Azure { get; set; } = new();
}

/// <summary>The <c>Speech:Azure</c> section.</summary>
public sealed class AzureSpeechSettings
{
    /// <summary>Azure region of the Speech resource, e.g. <c>westeurope</c>.</summary>
    public string? Region { get; set; }

    /// <summary>The resource key (<c>Ocp-Apim-Subscription-Key</c>); better set as <c>IVR__Speech__Azure__Key</c>.</summary>
    public string? Key { get; set; }

    /// <summary>Overrides the endpoints' base (tests point it at a local listener); null = the region's public hosts.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Neural voice for synthesis when a locale has no mapping, e.g. <c>en-US-JennyNeural</c>.</summary>
    public string Voice { get; set; } = "en-US-JennyNeural";

    /// <summary>Longest a single request may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a failed request (timeouts, 429, 5xx) before falling back to the offline engine.</summary>
    public int Retries { get; set; } = 1;
}

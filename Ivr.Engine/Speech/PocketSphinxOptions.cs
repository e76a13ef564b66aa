namespace Ivr.Engine.Speech;

/// <summary>Where the PocketSphinx model lives and how many decoders to keep.</summary>
public sealed record PocketSphinxOptions
{
    /// <summary>Debian's paths (package <c>pocketsphinx-en-us</c>).</summary>
    public static PocketSphinxOptions Default { get; } = new();

    /// <summary>Acoustic model folder (16 kHz US English).</summary>
    public string AcousticModel { get; init; } = "/usr/share/pocketsphinx/model/en-us/en-us";

    /// <summary>Pronunciation dictionary.</summary>
    public string Dictionary { get; init; } = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

    /// <summary>
    /// Decoders loaded before the first call and kept however long they are idle. Each costs a model load (~100–250 ms,
    /// one at a time) and ~27 MB; callers who start speaking at once beyond this number wait for loads the first time.
    /// </summary>
    public int WarmDecoders { get; init; } = 2;

    /// <summary>
    /// Decoders kept idle in the pool at most: what a burst of simultaneous speakers needed stays loaded for the next one
    /// (up to this cap); a decoder returned to a full pool is freed.
    /// </summary>
    public int MaxIdleDecoders { get; init; } = 32;

    /// <summary>An idle decoder beyond <see cref="WarmDecoders"/> unused this long is freed (its memory given back).</summary>
    public TimeSpan IdleDecoderLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Initial cepstral mean (<c>-cmninit</c> in the model's <c>feat.params</c>, which overrides the command line, so
    /// decoders load an overlay of the model folder with this value): the model's default is for wideband audio; this was
    /// measured as the live CMN estimate after decoding speech through our 8 → 16 kHz + noise path, so a fresh decoder's
    /// first utterance is normalised like its hundredth (with the default, fresh decoders misrecognised most words).
    /// </summary>
    public string CepstralMeanInit { get; init; } = "56.76,-7.33,-4.61,7.55,-2.75,-8.21,-3.03,-9.46,-4.02,-2.95,-4.24,-0.85,-1.99";

    /// <summary>Further decoder options as name/value pairs (e.g. <c>-beam 1e-48</c>), appended to the defaults.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// Gives every grammar word extra pronunciations with each /s/ heard as /θ/: an 8 kHz line drops the band above
    /// 4 kHz that tells them apart, and the 16 kHz model then takes many telephone /s/ for /θ/ (docs/speech.md, "Accuracy").
    /// On by default since the level normalisation: over RTP 58/60 with it, 52/60 without (docs/speech.md, "Accuracy").
    /// </summary>
    public bool NarrowbandPronunciations { get; init; } = true;

    /// <summary>Peak of the white noise mixed into the 16 kHz audio, as a fraction of full scale (TESTING.md: ~1 %).</summary>
    public double NoiseLevel { get; init; } = 0.01;
}

namespace Ivr.Engine.Speech;

/// <summary>Timing and thresholds of one recognition session.</summary>
public sealed record RecognitionOptions
{
    /// <summary>Defaults: 5 s no-input, 600 ms end silence (160 ms after a complete phrase), 10 s maximum speech, confidence floor 0.55.</summary>
    public static RecognitionOptions Default { get; } = new();

    /// <summary>No speech onset within this audio time → NoInput.</summary>
    public TimeSpan NoInputTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Trailing silence that ends speech (VoiceXML's <c>incompletetimeout</c>).</summary>
    public TimeSpan EndSilence { get; init; } = TimeSpan.FromMilliseconds(600);

    /// <summary>
    /// Shorter trailing silence that ends speech once what was heard so far is a whole phrase of the grammar that no
    /// longer phrase continues (VoiceXML's <c>completetimeout</c>): "billing" ends after this, "technical …" waits for
    /// <see cref="EndSilence"/>. Zero or at least <see cref="EndSilence"/>: off.
    /// </summary>
    public TimeSpan CompleteSilence { get; init; } = TimeSpan.FromMilliseconds(160);

    /// <summary>Speech longer than this is cut and decoded.</summary>
    public TimeSpan MaxSpeech { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A grammar phrase recognised with a lower confidence is reported as NoMatch.</summary>
    public double MinConfidence { get; init; } = 0.55;

    /// <summary>Voice activity detection settings.</summary>
    public VadOptions Vad { get; init; } = VadOptions.Default;

    /// <summary>Audio kept from before the onset and given to the decoder, so a soft first consonant is not lost.</summary>
    public TimeSpan PreRoll { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Level, in dBFS, the loudest 20 ms frame of an utterance's first <see cref="LevelWindow"/> is brought to before
    /// decoding (one gain for the whole utterance, within <see cref="MinGainDb"/>..<see cref="MaxGainDb"/>); null: off.
    /// The model's initial cepstral mean fits one level: measured without it, a caller 10 dB quieter lost 6 of 60
    /// corpus words and 4 of 10 human utterances, 20 dB quieter 30 and 8.
    /// </summary>
    public double? LevelTarget { get; init; } = -12;

    /// <summary>Speech held after the onset to measure the caller's level before decoding starts (barge-in does not wait).</summary>
    public TimeSpan LevelWindow { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Largest gain of the level normalisation, in dB.</summary>
    public double MaxGainDb { get; init; } = 20;

    /// <summary>Smallest gain (an attenuation) of the level normalisation, in dB.</summary>
    public double MinGainDb { get; init; } = -10;

    /// <summary>Seed of the low white-noise floor mixed into the upsampled audio (fixed, so runs are reproducible).</summary>
    public int NoiseSeed { get; init; } = 0x1F2E3D;
}

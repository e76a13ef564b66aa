namespace Ivr.Engine.Speech;

/// <summary>The outcome of one recognition session.</summary>
/// <param name="Kind">Match, NoMatch or NoInput.</param>
/// <param name="Text">The grammar phrase matched, spelled as the grammar gave it; null unless <see cref="RecognitionKind.Match"/>.</param>
/// <param name="Confidence">Confidence 0..1 in the hypothesis (the decoder's lattice posterior); 0 for NoInput.</param>
/// <param name="Hypothesis">What the decoder heard, verbatim (for logs), or null when it heard nothing.</param>
/// <param name="SpeechDuration">Audio time from start-of-speech to end-of-speech (zero for NoInput).</param>
public sealed record RecognitionResult(
    RecognitionKind Kind,
    string? Text,
    double Confidence,
    string? Hypothesis,
    TimeSpan SpeechDuration)
{
    /// <summary>The DTMF-equivalent digit when the matched phrase is a spoken digit ("one" → '1'), otherwise null.</summary>
    public char? Digit => Text is null ? null : SpeechGrammar.DigitOf(Text);

    /// <summary>A NoInput result.</summary>
    public static RecognitionResult NoInput { get; } = new(RecognitionKind.NoInput, null, 0, null, TimeSpan.Zero);
}

namespace Ivr.Engine.Speech;

/// <summary>What a decoder made of one utterance.</summary>
/// <param name="Hypothesis">Best word sequence, or null if none.</param>
/// <param name="Posterior">Lattice posterior of the best path, 0..1.</param>
/// <param name="WordFrames">10 ms frames from the start of the hypothesis' first word to the end of its last (pauses between words included).</param>
internal sealed record DecodeOutcome(string? Hypothesis, double Posterior, int WordFrames);

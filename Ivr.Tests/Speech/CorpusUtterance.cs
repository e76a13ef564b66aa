namespace Ivr.Tests.Speech;

/// <summary>One synthetic utterance of the corpus (8 kHz PCM16).</summary>
public sealed record CorpusUtterance(string Phrase, string Voice, int WordsPerMinute, short[] Audio)
{
    public override string ToString() => $"'{Phrase}' ({Voice}, {WordsPerMinute} wpm)";
}

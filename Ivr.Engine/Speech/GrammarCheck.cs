namespace Ivr.Engine.Speech;

/// <summary>The result of checking a grammar against a recogniser's pronunciation dictionary.</summary>
/// <param name="Accepted">Phrases the recogniser will listen for (normalised).</param>
/// <param name="Dropped">Phrases left out, each with the words the dictionary lacks.</param>
public sealed record GrammarCheck(IReadOnlyList<string> Accepted, IReadOnlyList<DroppedPhrase> Dropped)
{
    /// <summary>True when every phrase can be recognised.</summary>
    public bool IsComplete => Dropped.Count == 0;
}

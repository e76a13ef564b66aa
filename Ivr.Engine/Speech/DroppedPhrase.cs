namespace Ivr.Engine.Speech;

/// <summary>A grammar phrase the recogniser cannot listen for.</summary>
/// <param name="Phrase">The normalised phrase.</param>
/// <param name="UnknownWords">Its words missing from the pronunciation dictionary.</param>
public sealed record DroppedPhrase(string Phrase, IReadOnlyList<string> UnknownWords);

namespace Ivr.Engine.Speech;

/// <summary>An extra dictionary entry: <c>word(n)</c> and its phones (separated by single spaces).</summary>
internal sealed record PronunciationVariant(string Name, string Phones);

namespace Ivr.Engine.Speech;

/// <summary>How a recognition session ended.</summary>
public enum RecognitionKind
{
    /// <summary>The caller said one of the grammar's phrases with enough confidence.</summary>
    Match,

    /// <summary>The caller spoke, but not a phrase of the grammar (or too unclearly).</summary>
    NoMatch,

    /// <summary>No speech started before the no-input timeout.</summary>
    NoInput,
}

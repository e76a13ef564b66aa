namespace Ivr.Engine.Speech;

/// <summary>
/// Turns caller speech into one of a grammar's phrases. Implementations load their models lazily and never throw at
/// construction: check <see cref="IsAvailable"/> (and <see cref="UnavailableReason"/>) and fall back to DTMF when false.
/// </summary>
public interface ISpeechRecognizer
{
    /// <summary>True when the engine and its models are installed and loadable.</summary>
    bool IsAvailable { get; }

    /// <summary>One line saying why recognition is off and which packages to install; null when available.</summary>
    string? UnavailableReason { get; }

    /// <summary>True when this engine can recognise speech in <paramref name="locale"/> (e.g. "en-US").</summary>
    bool SupportsLocale(string locale);

    /// <summary>Checks a grammar against the engine's vocabulary: which phrases it will listen for and which it drops.</summary>
    GrammarCheck CheckGrammar(SpeechGrammar grammar);

    /// <summary>Starts listening for <paramref name="grammar"/>; feed the returned session the caller's audio.</summary>
    /// <exception cref="InvalidOperationException">The engine is not available.</exception>
    /// <exception cref="NotSupportedException">The grammar's locale is not supported.</exception>
    IRecognitionSession StartSession(SpeechGrammar grammar, RecognitionOptions? options = null);
}

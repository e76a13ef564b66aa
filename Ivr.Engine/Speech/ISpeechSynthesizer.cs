namespace Ivr.Engine.Speech;

/// <summary>Renders prompt text to telephone-ready audio: 8 kHz mono PCM16 WAV files in a cache folder.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>True when the synthesis engine is installed.</summary>
    bool IsAvailable { get; }

    /// <summary>One line saying why synthesis is off and which package to install; null when available.</summary>
    string? UnavailableReason { get; }

    /// <summary>Returns the path of the WAV for <paramref name="text"/>, rendering it only if it is not cached yet.</summary>
    /// <param name="text">What to say.</param>
    /// <param name="locale">BCP 47 locale, e.g. "en-US" or "fr-FR"; picks the voice when none is given.</param>
    /// <param name="voice">An engine-specific voice name overriding the locale's default.</param>
    /// <param name="cancellationToken">Cancels waiting (and a render this call started).</param>
    Task<string> RenderAsync(string text, string locale, string? voice = null, CancellationToken cancellationToken = default);
}

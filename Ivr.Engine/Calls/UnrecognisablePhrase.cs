using Ivr.Flows.Diagnostics;

namespace Ivr.Engine.Calls;

/// <summary>
/// A phrase of a speech menu that the configured recognizer cannot listen for (code <see cref="Code"/>, IVR312): callers
/// saying it are not understood, DTMF still works. Found by <see cref="CallSpeech.Precompile"/>, which both the engine's
/// start-up check and <c>ivr flow lint</c> call.
/// </summary>
/// <param name="Step">The menu step.</param>
/// <param name="Locale">The locale whose grammar drops it.</param>
/// <param name="Phrase">The phrase as the grammar normalises it.</param>
/// <param name="UnknownWords">Its words the recognizer's dictionary lacks.</param>
/// <param name="Pointer">JSON pointer of the phrase in the flow file (its first spelling in the menu).</param>
public sealed record UnrecognisablePhrase(string Step, string Locale, string Phrase, IReadOnlyList<string> UnknownWords, string Pointer)
{
    /// <summary>The diagnostic code the engine logs and lint reports.</summary>
    public const string Code = DiagnosticCodes.UnrecognisablePhrase;

    /// <summary>One sentence: the step, the locale, the phrase and why.</summary>
    public string Message =>
        $"step {Step} ({Locale}): phrase '{Phrase}' cannot be recognised (not in the dictionary: {string.Join(", ", UnknownWords)}); DTMF still works";
}

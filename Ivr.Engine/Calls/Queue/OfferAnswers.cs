using System.Collections.Concurrent;
using Ivr.Flows.Model.Steps;

namespace Ivr.Engine.Calls.Queue;

/// <summary>
/// The spoken answers to a queue offer, by language: "callback", "message" or "wait" act as the offer's keys. Measured with
/// the offer grammar (plus the digits and "agent" every grammar carries, which absorb other speech): a three-word answer
/// such as "leave a message" drew unrelated three-word speech at 0.85 confidence, so answers are short. A spoken digit is
/// not taken as a key here: nonsense is most often heard as one.
/// </summary>
public static class OfferAnswers
{
    /// <summary>The least confidence a spoken answer needs.</summary>
    public const double MinConfidence = 0.5;

    private static readonly Dictionary<string, (string[] Callback, string[] Message, string[] Stay)> Words = new(StringComparer.Ordinal)
    {
        ["en"] = (["callback", "call me back"], ["message"], ["wait", "keep waiting"]),
        ["fr"] = (["rappel", "rappelez moi"], ["message"], ["attendre", "patienter"]),
    };

    // One phrase list per (language, callback offered, message offered): the recognizer compiles each grammar once, and
    // a listening turn is kept while the same list listens.
    private static readonly ConcurrentDictionary<(string Language, bool Callback, bool Message), IReadOnlyList<string>> Grammars = new();

    /// <summary>True when the offer can be answered by speech in <paramref name="locale"/>'s language.</summary>
    public static bool Speaks(string locale) => Words.ContainsKey(Language(locale));

    /// <summary>The phrases to listen for while <paramref name="offer"/> is open in <paramref name="locale"/> (empty when none).</summary>
    public static IReadOnlyList<string> Phrases(OfferPolicy offer, string locale)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var language = Language(locale);
        if (!Words.TryGetValue(language, out var words)) return [];
        return Grammars.GetOrAdd((language, offer.Callback, offer.Message), _ =>
            [.. offer.Callback ? words.Callback : [], .. offer.Message ? words.Message : [], .. words.Stay]);
    }

    /// <summary>The key <paramref name="heard"/> stands for in <paramref name="offer"/>, or null when it names no choice.</summary>
    public static char? KeyFor(OfferPolicy offer, string heard, string locale)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (!Words.TryGetValue(Language(locale), out var words)) return null;
        if (offer.Callback && words.Callback.Contains(heard, StringComparer.OrdinalIgnoreCase)) return offer.CallbackKey[0];
        if (offer.Message && words.Message.Contains(heard, StringComparer.OrdinalIgnoreCase)) return offer.MessageKey[0];
        if (words.Stay.Contains(heard, StringComparer.OrdinalIgnoreCase)) return offer.StayKey[0];
        return null;
    }

    /// <summary>The language part of a locale ("fr" of "fr-CA"), lower case.</summary>
    public static string Language(string locale) => locale.Split('-')[0].ToLowerInvariant();
}

using System.Collections.Concurrent;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;
using FlowOfferPolicy = Ivr.Flows.Model.Steps.OfferPolicy;

namespace Ivr.Engine.Calls;

/// <summary>
/// Answering a queue offer by speech: while the callback/message offer plays and its keys are awaited, the caller may
/// also say "callback", "message" or "wait" (in the call's language); a recognized answer acts as its key, speaking
/// during the offer stops it (barge-in), and anything else keeps the caller waiting where they are.
/// </summary>
public sealed partial class CallActor
{
    private const double OfferMinConfidence = 0.5;

    // The spoken answers by language; each maps to the offer's key for that choice. Measured with the offer grammar
    // (plus the digits and "agent" every grammar carries, which absorb other speech): a three-word answer such as "leave
    // a message" drew unrelated three-word speech at 0.85 confidence, so answers are short. A spoken digit is not taken
    // as a key here: nonsense is most often heard as one.
    private static readonly Dictionary<string, (string[] Callback, string[] Message, string[] Stay)> OfferWords = new(StringComparer.Ordinal)
    {
        ["en"] = (["callback", "call me back"], ["message"], ["wait", "keep waiting"]),
        ["fr"] = (["rappel", "rappelez moi"], ["message"], ["attendre", "patienter"]),
    };

    // One phrase list per (locale, callback offered, message offered): the recognizer compiles each grammar once.
    private static readonly ConcurrentDictionary<(string Locale, bool Callback, bool Message), IReadOnlyList<string>> OfferGrammars = new();

    private bool _listeningForOffer;

    /// <summary>The spoken answers offered in <paramref name="locale"/>, or null when speech cannot answer there.</summary>
    private (string[] Callback, string[] Message, string[] Stay)? OfferWordsFor(string locale) =>
        _services.Speech.CanRecognize(locale) && OfferWords.TryGetValue(Language(locale), out var words) ? words : null;

    private void ListenForOfferAnswer(FlowOfferPolicy offer)
    {
        var locale = _run?.Language ?? "en-US";
        if (OfferWordsFor(locale) is not { } words) return;
        var phrases = OfferGrammars.GetOrAdd((locale, offer.Callback, offer.Message), _ =>
            [.. offer.Callback ? words.Callback : [], .. offer.Message ? words.Message : [], .. words.Stay]);
        // The offer is open while it plays and for the key timeout after it: listen that long (a minute at most).
        Listen(new ListenEffect(true, phrases, locale, OfferMinConfidence), bargeIn: true, noInputTimeout: TimeSpan.FromMinutes(1));
        _listeningForOffer = _speechGrammar is not null;
    }

    private void StopOfferListening()
    {
        if (!_listeningForOffer) return;
        _listeningForOffer = false;
        StopSpeech();
    }

    /// <summary>A result of the offer's listening turn: its key when it names a choice; otherwise the caller keeps waiting.</summary>
    private void AnswerOfferBySpeech(RecognitionResult result)
    {
        _listeningForOffer = false;
        if (_queue is not { } q || q.Effect.Offer is not { } offer || result.Kind == RecognitionKind.NoInput) return;
        var locale = _run?.Language ?? "en-US";
        var text = result.Kind == RecognitionKind.Match ? result.Text : null;
        string? key = null;
        if (text is not null && OfferWords.TryGetValue(Language(locale), out var words))
        {
            if (offer.Callback && words.Callback.Contains(text, StringComparer.OrdinalIgnoreCase)) key = offer.CallbackKey;
            else if (offer.Message && words.Message.Contains(text, StringComparer.OrdinalIgnoreCase)) key = offer.MessageKey;
            else if (words.Stay.Contains(text, StringComparer.OrdinalIgnoreCase)) key = offer.StayKey;
        }

        _log.LogInformation("Offer answered by speech: {Heard} ({Confidence:F2}) → {Key}", text ?? "(no match)", result.Confidence, key ?? "keep waiting");
        _timeline.QueueEvent($"offer answered by speech: {text ?? "no match"}", _run?.CurrentFlow, _run?.CurrentStep);
        if (key is { Length: > 0 })
        {
            OnQueueDigit(key[0]);
            return;
        }

        // Not understood: the caller keeps their place; the offer ends as if they had pressed "stay".
        if (q.Offering) OnQueueDigit(offer.StayKey[0]);
        else ResumeHold();
    }

    private static string Language(string locale) => locale.Split('-')[0].ToLowerInvariant();
}

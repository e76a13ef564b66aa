using System.Globalization;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls.Queue;

/// <summary>The words of a queue announcement or offer, as text prompts in the call's language.</summary>
public static class QueuePrompts
{
    /// <summary>The prompts that say <paramref name="say"/> in <paramref name="locale"/>; <paramref name="spoken"/>: the offer may be answered by speech.</summary>
    public static IReadOnlyList<ResolvedPrompt> For(QueueAnnouncement say, string locale, bool spoken)
    {
        ArgumentNullException.ThrowIfNull(say);
        if (say.Offer is { } offer)
        {
            var words = spoken && OfferAnswers.Language(locale) == "en";
            var parts = new List<string>(3);
            if (offer.Callback) parts.Add($"To be called back without losing your place, press {offer.CallbackKey}" + (words ? " or say callback." : "."));
            if (offer.Message) parts.Add($"To leave a message, press {offer.MessageKey}" + (words ? " or say message." : "."));
            parts.Add($"To keep waiting, press {offer.StayKey}" + (words ? " or say wait." : "."));
            return [new ResolvedPrompt("queue-offer", locale, null, string.Join(' ', parts))];
        }
        var sentences = new List<string>(2);
        if (say.Position is { } position) sentences.Add(string.Create(CultureInfo.InvariantCulture, $"You are number {position} in line."));
        if (say.Wait is { } wait) sentences.Add($"Your expected wait is {wait.Text}.");
        return [new ResolvedPrompt("queue-announcement", locale, null, string.Join(' ', sentences))];
    }

    /// <summary>The refusal of a callback number: a recorded sound per reason (rendered from <c>sounds/engine-prompts.json</c>), else <paramref name="message"/> as text.</summary>
    public static ResolvedPrompt CallbackRefused(string language, DialPlanRefusal refusal, string message)
    {
        var reason = refusal switch
        {
            DialPlanRefusal.Malformed => "malformed",
            DialPlanRefusal.CountryNotAllowed => "country",
            DialPlanRefusal.PremiumRate => "premium",
            DialPlanRefusal.NotMatchingPattern => "pattern",
            DialPlanRefusal.OverDailyCap => "cap",
            _ => "unavailable",
        };
        return new ResolvedPrompt("callback-refused-" + reason, language, $"{language}/callback_refused_{reason}.wav", message);
    }
}

using System.Collections.Frozen;
using System.Globalization;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// Every sentence the engine says on its own (not a flow's): the callback greeting and refusals, the queue's position,
/// expected wait and callback/message offer, per locale, from <c>sounds/engine-prompts.json</c> (see
/// <see cref="EnginePromptsLoader"/>). Immutable and shared by every call. A locale the file lacks falls back to one of the
/// same language (<c>fr-CA</c> → <c>fr-FR</c>), else to <see cref="DefaultLocale"/>; the loader has checked that every
/// prompt exists in every locale with exactly the placeholders filled here, so no lookup fails at call time.
/// </summary>
public sealed class EnginePrompts
{
    /// <summary>The file's name under <c>sounds/</c>.</summary>
    public const string FileName = "engine-prompts.json";

    /// <summary>The locale used when a caller's language has no prompts; the file must have it.</summary>
    public const string DefaultLocale = "en-US";

    internal const string Greeting = "callback_greeting";
    internal const string RefusedPrefix = "callback_refused_";
    internal const string CallbackNotKeptName = "callback_not_kept";
    internal const string MessageNotKeptName = "message_not_kept";
    internal const string Position = "queue_position";
    internal const string WaitUnderAMinute = "queue_wait_under_a_minute";
    internal const string WaitRange = "queue_wait_range";
    internal const string WaitOverAnHour = "queue_wait_over_an_hour";
    internal const string OfferCallback = "queue_offer_callback";
    internal const string OfferMessage = "queue_offer_message";
    internal const string OfferStay = "queue_offer_stay";
    internal const string OrSay = "_or_say";

    /// <summary>The name of the prompt <see cref="Offer"/> returns (its text joins the offer's sentences).</summary>
    public const string OfferName = "queue_offer";

    private static readonly string[] Refusals = ["malformed", "country", "premium", "pattern", "cap", "unavailable"];

    /// <summary>Every prompt the engine says, with the placeholders it fills in (a template must use exactly those).</summary>
    internal static readonly FrozenDictionary<string, FrozenSet<string>> Expected = BuildExpected();

    private readonly FrozenDictionary<string, FrozenDictionary<string, Variant>> _prompts;
    private readonly string[] _locales;

    internal EnginePrompts(IReadOnlyList<string> locales, IReadOnlyDictionary<string, IReadOnlyDictionary<string, Variant>> prompts)
    {
        _locales = [.. locales];
        _prompts = prompts.ToFrozenDictionary(
            p => p.Key,
            p => p.Value.ToFrozenDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase),
            StringComparer.Ordinal);
    }

    /// <summary>The locales the file has, in its order.</summary>
    public IReadOnlyList<string> Locales => _locales;

    /// <summary>
    /// The locale the prompts for <paramref name="locale"/> are in: the same one, else the file's first of the same language
    /// (the default locale first when it is that language), else <see cref="DefaultLocale"/> (also for null).
    /// </summary>
    public string LocaleFor(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale)) return DefaultLocale;
        if (_locales.FirstOrDefault(l => string.Equals(l, locale, StringComparison.OrdinalIgnoreCase)) is { } exact) return exact;
        var language = Language(locale);
        if (string.Equals(Language(DefaultLocale), language, StringComparison.OrdinalIgnoreCase)) return DefaultLocale;
        return _locales.FirstOrDefault(l => string.Equals(Language(l), language, StringComparison.OrdinalIgnoreCase)) ?? DefaultLocale;
    }

    /// <summary>What a callback's customer hears on answering, before the agent is rung (a recorded sound with its text).</summary>
    public ResolvedPrompt CallbackGreeting(string? locale) => Say(Greeting, locale);

    /// <summary>
    /// Why a callback number was not booked, said before the flow asks again: one recorded sound per dial-plan refusal;
    /// <see cref="DialPlanRefusal.None"/> (the router has no callback store) is the "unavailable" one. A store that failed
    /// is <see cref="CallbackNotKept"/>, not a refusal of the number.
    /// </summary>
    public ResolvedPrompt CallbackRefused(string? locale, DialPlanRefusal reason) => Say(RefusedPrefix + reason switch
    {
        DialPlanRefusal.Malformed => "malformed",
        DialPlanRefusal.CountryNotAllowed => "country",
        DialPlanRefusal.PremiumRate => "premium",
        DialPlanRefusal.NotMatchingPattern => "pattern",
        DialPlanRefusal.OverDailyCap => "cap",
        _ => "unavailable",
    }, locale);

    /// <summary>
    /// The callback could not be booked because the store failed (e.g. the database is down): the number is fine, the
    /// booking could not be kept; the caller is asked to stay on the line or call again.
    /// </summary>
    public ResolvedPrompt CallbackNotKept(string? locale) => Say(CallbackNotKeptName, locale);

    /// <summary>A recorded message could not be kept (its metadata could not be stored): said before the engine hangs up.</summary>
    public ResolvedPrompt MessageNotKept(string? locale) => Say(MessageNotKeptName, locale);

    /// <summary>The caller's place in line, e.g. "You are number 3 in line." (text for TTS).</summary>
    public ResolvedPrompt QueuePosition(string? locale, int position)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(position, 1);
        return Say(Position, locale, ("position", Number(position)));
    }

    /// <summary>
    /// The announced range of the expected wait, e.g. "Your expected wait is 2 to 4 minutes.", "… less than a minute.",
    /// "… more than an hour." (text for TTS).
    /// </summary>
    public ResolvedPrompt ExpectedWait(string? locale, AnnouncedWait wait)
    {
        ArgumentNullException.ThrowIfNull(wait);
        if (wait.Bucket == 0) return Say(WaitUnderAMinute, locale);
        if (wait.High is not { } high) return Say(WaitOverAnHour, locale);
        return Say(WaitRange, locale, ("low", Number((int)wait.Low.TotalMinutes)), ("high", Number((int)high.TotalMinutes)));
    }

    /// <summary>
    /// The queue's offer as one prompt: the callback sentence when <paramref name="callbackKey"/> is given, the message one
    /// when <paramref name="messageKey"/> is, then the keep-waiting one; with <paramref name="spokenAnswers"/> each also
    /// names the word to say (the recognizer's offer grammar must hold those words in this locale).
    /// </summary>
    public ResolvedPrompt Offer(string? locale, string? callbackKey, string? messageKey, string stayKey, bool spokenAnswers)
    {
        ArgumentException.ThrowIfNullOrEmpty(stayKey);
        var resolved = LocaleFor(locale);
        var suffix = spokenAnswers ? OrSay : "";
        var sentences = new List<string>(3);
        if (!string.IsNullOrEmpty(callbackKey)) sentences.Add(Say(OfferCallback + suffix, resolved, ("key", callbackKey)).Text!);
        if (!string.IsNullOrEmpty(messageKey)) sentences.Add(Say(OfferMessage + suffix, resolved, ("key", messageKey)).Text!);
        sentences.Add(Say(OfferStay + suffix, resolved, ("key", stayKey)).Text!);
        return new ResolvedPrompt(OfferName, resolved, null, string.Join(' ', sentences));
    }

    /// <summary>
    /// What a waiting caller hears for <paramref name="say"/>: the offer (<see cref="Offer"/>), or the position and wait
    /// sentences; <paramref name="spokenAnswers"/> as for <see cref="Offer"/>.
    /// </summary>
    public IReadOnlyList<ResolvedPrompt> Announcement(string? locale, Queue.QueueAnnouncement say, bool spokenAnswers)
    {
        ArgumentNullException.ThrowIfNull(say);
        if (say.Offer is { } offer)
            return [Offer(locale, offer.Callback ? offer.CallbackKey : null, offer.Message ? offer.MessageKey : null, offer.StayKey, spokenAnswers)];
        var prompts = new List<ResolvedPrompt>(2);
        if (say.Position is { } position) prompts.Add(QueuePosition(locale, position));
        if (say.Wait is { } wait) prompts.Add(ExpectedWait(locale, wait));
        return prompts;
    }

    private ResolvedPrompt Say(string name, string? locale, params (string Name, string Value)[] values)
    {
        var resolved = LocaleFor(locale);
        var variant = _prompts[name][resolved];
        var text = variant.Text.Render(values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));
        return new ResolvedPrompt(name, resolved, variant.Sound, text);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Language(string locale) => locale.Split('-', '_')[0];

    private static FrozenDictionary<string, FrozenSet<string>> BuildExpected()
    {
        var none = FrozenSet<string>.Empty;
        FrozenSet<string> Of(params string[] names) => names.ToFrozenSet(StringComparer.Ordinal);
        var expected = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
        {
            [Greeting] = none,
            [CallbackNotKeptName] = none,
            [MessageNotKeptName] = none,
            [Position] = Of("position"),
            [WaitUnderAMinute] = none,
            [WaitRange] = Of("low", "high"),
            [WaitOverAnHour] = none,
        };
        foreach (var refusal in Refusals) expected[RefusedPrefix + refusal] = none;
        foreach (var offer in new[] { OfferCallback, OfferMessage, OfferStay })
        {
            expected[offer] = Of("key");
            expected[offer + OrSay] = Of("key");
        }
        return expected.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>One prompt in one locale: its recorded sound (under <c>sounds/</c>), if any, and its text.</summary>
    internal sealed record Variant(string? Sound, PromptTemplate Text);
}

using System.Runtime.CompilerServices;
using Ivr.Engine.Speech;
using Ivr.Flows.Json;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// Speech recognition as every call actor shares it: the recognizer (or none: DTMF only), the session settings, and the
/// grammars of the flows' menus, built once per flow version (keyed by the compiled step's phrase list, so a new version
/// gets new grammars and an old one's are collected with it) and compiled once by the recognizer.
/// </summary>
public sealed class CallSpeech
{
    private readonly ConditionalWeakTable<IReadOnlyList<string>, SpeechGrammar> _grammars = new();

    /// <summary>Speech recognition is off: menus take DTMF only.</summary>
    public static CallSpeech None { get; } = new(null, RecognitionOptions.Default);

    /// <summary>Listens with <paramref name="recognizer"/> (null or unavailable = DTMF only) and <paramref name="options"/>.</summary>
    public CallSpeech(ISpeechRecognizer? recognizer, RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Recognizer = recognizer is { IsAvailable: true } ? recognizer : null;
        // The flow's no-input timer decides no-input (in wall time); a session only ends on speech.
        Options = options with { NoInputTimeout = TimeSpan.FromDays(1) };
    }

    /// <summary>The recognizer, or null when calls take DTMF only.</summary>
    public ISpeechRecognizer? Recognizer { get; }

    /// <summary>Session settings (timing, VAD, confidence floor).</summary>
    public RecognitionOptions Options { get; }

    /// <summary>True when speech in <paramref name="locale"/> can be recognised.</summary>
    public bool CanRecognize(string locale) => Recognizer?.SupportsLocale(locale) == true;

    /// <summary>The grammar of a step's phrases (plus digits and "agent"), built once per phrase list instance.</summary>
    public SpeechGrammar GrammarFor(IReadOnlyList<string> phrases, string locale)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        return _grammars.GetValue(phrases, p => SpeechGrammar.Create(p, locale));
    }

    /// <summary>
    /// Starts a listening turn for <paramref name="listen"/>: the step's confidence floor applies when above ours;
    /// <paramref name="noInputTimeout"/> replaces the configured one (a queue offer listens longer than a menu).
    /// </summary>
    public IRecognitionSession StartSession(ListenEffect listen, TimeSpan? noInputTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var recognizer = Recognizer ?? throw new InvalidOperationException("Speech recognition is off.");
        var options = listen.MinConfidence > Options.MinConfidence ? Options with { MinConfidence = listen.MinConfidence } : Options;
        if (noInputTimeout is { } timeout) options = options with { NoInputTimeout = timeout };
        return recognizer.StartSession(GrammarFor(listen.Phrases, listen.Locale), options);
    }

    /// <summary>
    /// Compiles the grammar of every speech menu of <paramref name="flow"/> in each of its locales the recognizer supports,
    /// so no call waits for a compile; returns the phrases the recognizer cannot listen for. This is the one check of
    /// "can this recognizer say this phrase": the engine logs its findings at start and on reload, <c>flow lint</c>
    /// reports them as IVR312.
    /// </summary>
    public IReadOnlyList<UnrecognisablePhrase> Precompile(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var found = new List<UnrecognisablePhrase>();
        if (Recognizer is not { } recognizer) return found;
        foreach (var step in flow.Document.Steps.Values.OfType<MenuStep>().Where(m => m.Speech))
        {
            foreach (var locale in flow.Languages.Where(recognizer.SupportsLocale))
            {
                var phrases = PhrasesOf(step, locale);
                if (phrases.Count == 0) continue;
                var check = recognizer.CheckGrammar(SpeechGrammar.Create(phrases.Select(p => p.Phrase), locale));
                foreach (var dropped in check.Dropped)
                {
                    var pointer = phrases.FirstOrDefault(p => SpeechGrammar.Normalize(p.Phrase) == dropped.Phrase).Pointer ?? step.Pointer;
                    found.Add(new UnrecognisablePhrase(step.Name, locale, dropped.Phrase, dropped.UnknownWords, pointer));
                }
            }
        }
        return found;
    }

    /// <summary>
    /// True when a call on <paramref name="flow"/> can listen for speech: one of its speech menus or queue offers, or one
    /// of the subflows it calls (found by <paramref name="find"/>), has phrases in a locale of the flow the recognizer supports. A keypad-only
    /// flow (menus without phrases) never listens.
    /// </summary>
    public bool Listens(CompiledFlow flow, Func<string, CompiledFlow?> find)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(find);
        if (Recognizer is not { } recognizer) return false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<CompiledFlow>([flow]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current.Id)) continue;
            var locales = current.Languages.Where(recognizer.SupportsLocale).ToList();
            if (current.Document.Steps.Values.OfType<MenuStep>().Where(m => m.Speech)
                .Any(step => locales.Any(locale => PhrasesOf(step, locale).Count > 0))) return true;
            // A queue's callback/message offer is answered by voice where the offer's words exist in that language.
            if (current.Document.Steps.Values.OfType<QueueStep>().Any(q => q.Offer is { } offer && (offer.Callback || offer.Message)
                && locales.Any(locale => Queue.OfferAnswers.Phrases(offer, locale).Count > 0))) return true;
            foreach (var sub in current.Document.Steps.Values.OfType<SubflowStep>())
            {
                if (find(sub.Flow) is { } called) pending.Push(called);
            }
        }
        return false;
    }

    // The same list the runtime's menu builds: choices in order, trimmed, first spelling of a phrase wins; each with the
    // JSON pointer of that spelling ("phrases": [...] binds to every locale, "phrases": { "<locale>": [...] } to one).
    private static List<(string Phrase, string? Pointer)> PhrasesOf(MenuStep step, string locale)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = new List<(string, string?)>();
        foreach (var choice in step.Choices)
        {
            foreach (var key in new[] { "*", locale })
            {
                if (!choice.Phrases.TryGetValue(key, out var own)) continue;
                for (var i = 0; i < own.Count; i++)
                {
                    var phrase = own[i].Trim();
                    var at = JsonPointer.Append(key == "*" ? choice.Pointer + "/phrases" : JsonPointer.Append(choice.Pointer + "/phrases", key), i);
                    if (phrase.Length > 0 && seen.Add(phrase)) list.Add((phrase, at));
                }
            }
        }
        return list;
    }
}

using System.Runtime.CompilerServices;
using Ivr.Engine.Speech;
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
    /// so no call waits for a compile; returns the checks (phrases the recognizer cannot listen for are listed as dropped).
    /// </summary>
    public IReadOnlyList<(string Step, string Locale, GrammarCheck Check)> Precompile(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var checks = new List<(string, string, GrammarCheck)>();
        if (Recognizer is not { } recognizer) return checks;
        foreach (var step in flow.Document.Steps.Values.OfType<MenuStep>().Where(m => m.Speech))
        {
            foreach (var locale in flow.Languages.Where(recognizer.SupportsLocale))
            {
                var phrases = PhrasesOf(step, locale);
                if (phrases.Count > 0) checks.Add((step.Name, locale, recognizer.CheckGrammar(SpeechGrammar.Create(phrases, locale))));
            }
        }
        return checks;
    }

    // The same list the runtime's menu builds: choices in order, trimmed, first spelling of a phrase wins.
    private static List<string> PhrasesOf(MenuStep step, string locale)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = new List<string>();
        foreach (var choice in step.Choices)
        {
            foreach (var p in choice.PhrasesFor(locale))
            {
                var phrase = p.Trim();
                if (phrase.Length > 0 && seen.Add(phrase)) list.Add(phrase);
            }
        }
        return list;
    }
}

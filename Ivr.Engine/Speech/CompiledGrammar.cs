using System.Text;

namespace Ivr.Engine.Speech;

/// <summary>A grammar checked against the dictionary and rendered as JSGF, named for the decoder's search table.</summary>
internal sealed class CompiledGrammar
{
    private readonly HashSet<string> _accepted;
    private readonly HashSet<string> _complete;

    /// <summary>
    /// Checks <paramref name="grammar"/> against <paramref name="dictionary"/>; with <paramref name="narrowbandPronunciations"/>
    /// its words' narrowband variants (<see cref="PronunciationDictionary.NarrowbandVariants"/>) come with it.
    /// </summary>
    public CompiledGrammar(SpeechGrammar grammar, PronunciationDictionary dictionary, bool narrowbandPronunciations = false)
    {
        Grammar = grammar;
        var accepted = new List<string>();
        var dropped = new List<DroppedPhrase>();
        foreach (var phrase in grammar.Phrases)
        {
            var unknown = phrase.Split(' ').Where(w => !dictionary.Contains(w)).ToArray();
            if (unknown.Length == 0)
            {
                accepted.Add(phrase);
            }
            else
            {
                dropped.Add(new DroppedPhrase(phrase, unknown));
            }
        }

        _accepted = new HashSet<string>(accepted, StringComparer.Ordinal);
        _complete = new HashSet<string>(
            accepted.Where(p => !accepted.Any(q => q.Length > p.Length && q.StartsWith(p + " ", StringComparison.Ordinal))),
            StringComparer.Ordinal);
        Check = new GrammarCheck(accepted, dropped);
        SearchName = "g" + grammar.Id;
        Jsgf = BuildJsgf(accepted);
        Variants = narrowbandPronunciations
            ? accepted.SelectMany(phrase => phrase.Split(' ')).Distinct(StringComparer.Ordinal).SelectMany(dictionary.NarrowbandVariants).ToList()
            : [];
    }

    public SpeechGrammar Grammar { get; }

    public GrammarCheck Check { get; }

    public string SearchName { get; }

    public string Jsgf { get; }

    /// <summary>Extra pronunciations the decoder's dictionary needs before this grammar's search is built (may be none).</summary>
    public IReadOnlyList<PronunciationVariant> Variants { get; }

    public bool IsEmpty => _accepted.Count == 0;

    public bool Accepts(string normalizedPhrase) => _accepted.Contains(normalizedPhrase);

    /// <summary>True when <paramref name="normalizedPhrase"/> is a phrase no other phrase continues ("billing", not "technical" next to "technical support").</summary>
    public bool IsComplete(string normalizedPhrase) => _complete.Contains(normalizedPhrase);

    internal static string BuildJsgf(IReadOnlyList<string> phrases) =>
        "#JSGF V1.0;\ngrammar ivr;\npublic <choice> = " + string.Join(" | ", phrases) + " ;\n";
}

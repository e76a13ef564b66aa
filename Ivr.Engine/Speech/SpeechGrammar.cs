using System.Security.Cryptography;
using System.Text;

namespace Ivr.Engine.Speech;

/// <summary>
/// What a caller may say at one point of a flow: a list of phrases (a menu's choices) in one locale, normally with the
/// digits "zero".."nine" and "agent" added. Phrases are normalised to lowercase words; <see cref="Id"/> hashes them,
/// so equal grammars share one compiled search.
/// </summary>
public sealed class SpeechGrammar
{
    private static readonly string[] DigitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    private SpeechGrammar(IReadOnlyList<string> phrases, IReadOnlyDictionary<string, string> spelling, string locale)
    {
        Phrases = phrases;
        Spelling = spelling;
        Locale = locale;
        var canonical = locale.ToLowerInvariant() + "\n" + string.Join("\n", phrases);
        Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    /// <summary>Normalised phrases (lowercase words separated by one space), distinct, in the given order.</summary>
    public IReadOnlyList<string> Phrases { get; }

    /// <summary>BCP 47 locale of the phrases, e.g. "en-US".</summary>
    public string Locale { get; }

    /// <summary>A stable hash of locale and phrases (16 hex digits).</summary>
    public string Id { get; }

    /// <summary>Normalised phrase → the phrase as the caller of <see cref="Create"/> spelled it.</summary>
    public IReadOnlyDictionary<string, string> Spelling { get; }

    /// <summary>Builds a grammar from <paramref name="phrases"/>, adding the spoken digits and "agent" unless told not to.</summary>
    public static SpeechGrammar Create(IEnumerable<string> phrases, string locale = "en-US", bool addDigitsAndAgent = true)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var list = new List<string>();
        var spelling = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var phrase in addDigitsAndAgent ? phrases.Concat(DigitWords).Append("agent") : phrases)
        {
            var normal = Normalize(phrase);
            if (normal.Length > 0 && spelling.TryAdd(normal, phrase.Trim()))
            {
                list.Add(normal);
            }
        }

        return new SpeechGrammar(list, spelling, locale);
    }

    /// <summary>Lowercases, turns punctuation (except apostrophes) into spaces and collapses whitespace.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                if (space && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(c);
                space = false;
            }
            else
            {
                space = true;
            }
        }

        return sb.ToString();
    }

    /// <summary>The digit a spoken digit word stands for ("seven" → '7'), or null.</summary>
    public static char? DigitOf(string word)
    {
        var i = Array.IndexOf(DigitWords, Normalize(word));
        return i < 0 ? null : (char)('0' + i);
    }
}

namespace Ivr.Engine.Speech;

/// <summary>
/// Words and pronunciations from a CMU-format dictionary (<c>word PH ON ES</c>; alternates like <c>word(2)</c> fold
/// into <c>word</c>).
/// </summary>
internal sealed class PronunciationDictionary
{
    private readonly Dictionary<string, List<string>> _words;
    private readonly Dictionary<string, int> _lastAlternate;

    private PronunciationDictionary(Dictionary<string, List<string>> words, Dictionary<string, int> lastAlternate)
    {
        _words = words;
        _lastAlternate = lastAlternate;
    }

    public int Count => _words.Count;

    public static PronunciationDictionary Load(string path)
    {
        var words = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lastAlternate = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var end = line.IndexOfAny([' ', '\t']);
            if (end <= 0)
            {
                continue;
            }

            var word = line.AsSpan(0, end);
            var paren = word.IndexOf('(');
            var key = (paren > 0 ? word[..paren] : word).ToString();
            if (!words.TryGetValue(key, out var prons))
            {
                words[key] = prons = new List<string>(1);
            }

            prons.Add(line[(end + 1)..].Trim());
            var index = paren > 0 && int.TryParse(word[(paren + 1)..^1], out var n) ? n : 1;
            lastAlternate[key] = Math.Max(index, lastAlternate.GetValueOrDefault(key));
        }

        return new PronunciationDictionary(words, lastAlternate);
    }

    public bool Contains(string word) => _words.ContainsKey(word);

    /// <summary>The pronunciations of <paramref name="word"/> (phones separated by single spaces), or none.</summary>
    public IReadOnlyList<string> Pronunciations(string word) =>
        _words.TryGetValue(word, out var prons) ? prons : [];

    /// <summary>
    /// Extra pronunciations of <paramref name="word"/> for telephone-band audio: each /s/ of each pronunciation, one at a
    /// time, as /θ/ (<c>S</c> → <c>TH</c>), named after the dictionary's own alternates (<c>word(n+1)</c>, …).
    /// </summary>
    /// <remarks>
    /// /s/ and /θ/ differ mainly above 4 kHz, which an 8 kHz line does not carry: what is left of an /s/ is weak frication
    /// that the 16 kHz model can take for /θ/ (or silence). Measured on espeak-ng's corpus, held-out voices and human
    /// speech (docs/speech.md, "Accuracy"). The variants are one-way: band-limiting removes an /s/'s high band, it does
    /// not give a /θ/ one.
    /// </remarks>
    public IReadOnlyList<PronunciationVariant> NarrowbandVariants(string word)
    {
        if (!_words.TryGetValue(word, out var prons))
        {
            return [];
        }

        var known = new HashSet<string>(prons, StringComparer.Ordinal);
        var next = _lastAlternate[word] + 1;
        var variants = new List<PronunciationVariant>();
        foreach (var pron in prons)
        {
            var phones = pron.Split(' ');
            for (var i = 0; i < phones.Length; i++)
            {
                if (phones[i] != "S")
                {
                    continue;
                }

                phones[i] = "TH";
                var variant = string.Join(' ', phones);
                phones[i] = "S";
                if (known.Add(variant))
                {
                    variants.Add(new PronunciationVariant($"{word}({next++})", variant));
                }
            }
        }

        return variants;
    }
}

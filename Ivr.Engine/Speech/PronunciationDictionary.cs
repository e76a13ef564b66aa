namespace Ivr.Engine.Speech;

/// <summary>
/// Words and pronunciations from a CMU-format dictionary (<c>word PH ON ES</c>; alternates like <c>word(2)</c> fold
/// into <c>word</c>).
/// </summary>
internal sealed class PronunciationDictionary
{
    private readonly Dictionary<string, List<string>> _words;

    private PronunciationDictionary(Dictionary<string, List<string>> words) => _words = words;

    public int Count => _words.Count;

    public static PronunciationDictionary Load(string path)
    {
        var words = new Dictionary<string, List<string>>(StringComparer.Ordinal);
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
        }

        return new PronunciationDictionary(words);
    }

    public bool Contains(string word) => _words.ContainsKey(word);

    /// <summary>The pronunciations of <paramref name="word"/> (phones separated by single spaces), or none.</summary>
    public IReadOnlyList<string> Pronunciations(string word) =>
        _words.TryGetValue(word, out var prons) ? prons : [];
}

namespace Ivr.Engine.Speech;

/// <summary>The set of words a CMU-format dictionary can pronounce (alternates like <c>word(2)</c> fold into <c>word</c>).</summary>
internal sealed class PronunciationDictionary
{
    private readonly HashSet<string> _words;

    private PronunciationDictionary(HashSet<string> words) => _words = words;

    public int Count => _words.Count;

    public static PronunciationDictionary Load(string path)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var end = line.IndexOfAny([' ', '\t']);
            if (end <= 0)
            {
                continue;
            }

            var word = line.AsSpan(0, end);
            var paren = word.IndexOf('(');
            words.Add((paren > 0 ? word[..paren] : word).ToString());
        }

        return new PronunciationDictionary(words);
    }

    public bool Contains(string word) => _words.Contains(word);
}

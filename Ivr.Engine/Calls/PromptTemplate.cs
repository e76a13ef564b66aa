using System.Collections.Frozen;
using System.Text;

namespace Ivr.Engine.Calls;

/// <summary>
/// A prompt text with named placeholders (<c>{position}</c>, <c>{key}</c>): literal runs and placeholder names, parsed
/// once. <c>{{</c> and <c>}}</c> are literal braces, as in a flow's prompt texts.
/// </summary>
internal sealed class PromptTemplate
{
    private readonly (string Text, bool IsPlaceholder)[] _parts;

    private PromptTemplate((string, bool)[] parts, FrozenSet<string> placeholders)
    {
        _parts = parts;
        Placeholders = placeholders;
    }

    /// <summary>The placeholder names the text uses.</summary>
    public FrozenSet<string> Placeholders { get; }

    /// <summary>Parses <paramref name="text"/>; a brace that opens no placeholder or closes none is a <see cref="FormatException"/>.</summary>
    public static PromptTemplate Parse(string text)
    {
        var parts = new List<(string, bool)>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal.Append(c);
                i++;
            }
            else if (c == '{')
            {
                var end = text.IndexOf('}', i + 1);
                var name = end < 0 ? "" : text[(i + 1)..end];
                if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
                    throw new FormatException($"'{{' at {i} opens no placeholder (write {{name}} with letters, digits or '_', or {{{{ for a brace)");
                if (literal.Length > 0) parts.Add((literal.ToString(), false));
                literal.Clear();
                parts.Add((name, true));
                i = end;
            }
            else if (c == '}')
            {
                throw new FormatException($"'}}' at {i} closes no placeholder (write }}}} for a brace)");
            }
            else
            {
                literal.Append(c);
            }
        }
        if (literal.Length > 0) parts.Add((literal.ToString(), false));
        return new PromptTemplate([.. parts], parts.Where(p => p.Item2).Select(p => p.Item1).ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>The text with each placeholder replaced by its value in <paramref name="values"/> (every one must be there).</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        if (_parts.Length == 1 && !_parts[0].IsPlaceholder) return _parts[0].Text;
        var text = new StringBuilder();
        foreach (var (part, isPlaceholder) in _parts) text.Append(isPlaceholder ? values[part] : part);
        return text.ToString();
    }
}

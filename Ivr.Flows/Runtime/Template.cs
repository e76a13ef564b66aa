namespace Ivr.Flows.Runtime;

/// <summary>A string with <c>{var}</c> placeholders, split at compile time into literals and variable slots.</summary>
internal sealed class Template
{
    private readonly string? _constant;
    private readonly string[] _literals;
    private readonly int[] _slots;

    private Template(string? constant, string[] literals, int[] slots)
    {
        _constant = constant;
        _literals = literals;
        _slots = slots;
    }

    /// <summary>True when the text has no placeholder.</summary>
    public bool IsConstant => _constant is not null;

    /// <summary>Parses <paramref name="text"/>; a brace that does not enclose a valid name stays literal.</summary>
    public static Template Parse(string text, VariableTable vars)
    {
        var literals = new List<string>();
        var slots = new List<int>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close > i + 1 && IsName(text.AsSpan(i + 1, close - i - 1)))
                {
                    literals.Add(text[start..i]);
                    slots.Add(vars.Slot(text[(i + 1)..close]));
                    i = close + 1;
                    start = i;
                    continue;
                }
            }
            i++;
        }
        if (slots.Count == 0) return new Template(text, [], []);
        literals.Add(text[start..]);
        return new Template(null, [.. literals], [.. slots]);
    }

    /// <summary>
    /// The text as a URL path (then maybe <c>?query</c>) with the call's values URL-encoded (RFC 3986 §2.1) in place of the
    /// placeholders, so a value cannot add a path segment, a query or a fragment; or null when a path segment holding a
    /// placeholder comes out empty, <c>.</c> or <c>..</c>: a caller's value must not name the collection or climb out of it
    /// (RFC 3986 §5.2.4 removes dot segments).
    /// </summary>
    public string? RenderUrlPath(string[] values)
    {
        if (_constant is not null) return _constant;
        var text = new System.Text.StringBuilder();
        var inQuery = false;
        var segmentStart = 0;
        var segmentHasValue = false;
        for (var k = 0; k <= _slots.Length; k++)
        {
            foreach (var c in _literals[k])
            {
                if (!inQuery && c is '/' or '?')
                {
                    if (segmentHasValue && IsDotOrEmpty(text, segmentStart)) return null;
                    inQuery = c == '?';
                    segmentStart = text.Length + 1;
                    segmentHasValue = false;
                }
                text.Append(c);
            }
            if (k == _slots.Length) break;
            text.Append(Uri.EscapeDataString(values[_slots[k]]));
            segmentHasValue = true;
        }
        if (!inQuery && segmentHasValue && IsDotOrEmpty(text, segmentStart)) return null;
        return text.ToString();
    }

    private static bool IsDotOrEmpty(System.Text.StringBuilder text, int start) =>
        (text.Length - start) switch
        {
            0 => true,
            1 => text[start] == '.',
            2 => text[start] == '.' && text[start + 1] == '.',
            _ => false,
        };

    /// <summary>The text with the call's values in place of the placeholders.</summary>
    public string Render(string[] values)
    {
        if (_constant is not null) return _constant;
        var length = 0;
        foreach (var l in _literals) length += l.Length;
        foreach (var s in _slots) length += values[s].Length;
        return string.Create(length, (this, values), static (span, state) =>
        {
            var (t, v) = state;
            var at = 0;
            for (var k = 0; k < t._slots.Length; k++)
            {
                t._literals[k].AsSpan().CopyTo(span[at..]);
                at += t._literals[k].Length;
                var value = v[t._slots[k]];
                value.AsSpan().CopyTo(span[at..]);
                at += value.Length;
            }
            t._literals[^1].AsSpan().CopyTo(span[at..]);
        });
    }

    private static bool IsName(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !(char.IsAsciiLetter(s[0]) || s[0] == '_')) return false;
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        }
        return true;
    }
}

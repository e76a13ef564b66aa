using System.Globalization;
using System.Text;

namespace Ivr.Engine.Ops;

/// <summary>
/// Makes text safe for a one-line log: control characters (C0, DEL, C1: NUL, ESC, CR, LF…) and the Unicode line, paragraph
/// and bidirectional-override characters become <c>\x1B</c> / <c>\u2028</c> escapes, so what a peer sent (a header, an SDP
/// line, a reason phrase) can neither forge a log line nor drive a terminal.
/// </summary>
public static class LogText
{
    /// <summary>True when <paramref name="c"/> is written escaped.</summary>
    public static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>Appends <paramref name="text"/> to <paramref name="sb"/>, escaping what <see cref="NeedsEscape"/> names.</summary>
    public static void AppendEscaped(StringBuilder sb, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(sb);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c)) continue;
            sb.Append(text[start..i]);
            if (c <= '\u00FF') sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
            else sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            start = i + 1;
        }
        sb.Append(text[start..]);
    }

    /// <summary><paramref name="text"/> with what <see cref="NeedsEscape"/> names escaped (the same string when nothing is).</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = 0;
        while (first < text.Length && !NeedsEscape(text[first])) first++;
        if (first == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16);
        AppendEscaped(sb, text);
        return sb.ToString();
    }
}

using System.Text;

namespace Ivr.Engine.Sip;

/// <summary>Character classes and small lexical helpers from the RFC 3261 §25.1 ABNF.</summary>
internal static class SipSyntax
{
    private const string TokenPunct = "-.!%*_+`'~";
    private const string Mark = "-_.!~*'()";
    private const string UserUnreserved = "&=+$,;?/";
    private const string PasswordExtra = "&=+$,";
    private const string ParamUnreserved = "[]/:&+$";
    private const string HeaderUnreserved = "[]/?:+$";
    private const string WordExtra = "-.!%*_+`'~()<>:\\\"/[]?{}";

    public static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');

    public static bool IsDigit(char c) => c is >= '0' and <= '9';

    public static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    public static bool IsWs(char c) => c is ' ' or '\t';

    /// <summary>RFC 3261 §25.1 token character.</summary>
    public static bool IsTokenChar(char c) => IsAlnum(c) || TokenPunct.Contains(c);

    public static bool IsUnreserved(char c) => IsAlnum(c) || Mark.Contains(c);

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s)
        {
            if (!IsTokenChar(c)) return false;
        }
        return true;
    }

    /// <summary>RFC 3261 §25.1 word (used by Call-ID): token characters plus a few separators.</summary>
    public static bool IsWord(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s)
        {
            if (!IsAlnum(c) && !WordExtra.Contains(c)) return false;
        }
        return true;
    }

    public static bool IsDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s)
        {
            if (!IsDigit(c)) return false;
        }
        return true;
    }

    /// <summary>Checks that <paramref name="s"/> is made of unreserved characters, escapes and the extra set.</summary>
    public static bool IsEscapedRun(ReadOnlySpan<char> s, string extra, bool allowEmpty = false)
    {
        if (s.IsEmpty) return allowEmpty;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
                i += 2;
            }
            else if (!IsUnreserved(c) && !extra.Contains(c))
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsUser(ReadOnlySpan<char> s) => IsEscapedRun(s, UserUnreserved);

    public static bool IsPassword(ReadOnlySpan<char> s) => IsEscapedRun(s, PasswordExtra, allowEmpty: true);

    public static bool IsParamChars(ReadOnlySpan<char> s, bool allowEmpty = false) => IsEscapedRun(s, ParamUnreserved, allowEmpty);

    public static bool IsHeaderChars(ReadOnlySpan<char> s, bool allowEmpty) => IsEscapedRun(s, HeaderUnreserved, allowEmpty);

    /// <summary>Decodes %HH escapes (RFC 3261 §19.1.2) as UTF-8; invalid escapes are kept literally.</summary>
    public static string Unescape(string s) => Unescape(s, Encoding.UTF8);

    /// <summary>
    /// Unescapes to a string holding one char per octet, so that comparisons are exact on the octets even when the
    /// escapes are not valid UTF-8 (RFC 3261 §19.1.4 compares unescaped forms).
    /// </summary>
    public static string UnescapeOctets(string s) => Unescape(s, Encoding.Latin1);

    private static string Unescape(string s, Encoding decode)
    {
        if (!s.Contains('%') && (decode == Encoding.UTF8 || Ascii.IsValid(s))) return s;
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(s.Length)];
        var n = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2]));
                i += 3;
                continue;
            }
            var run = s.AsSpan(i);
            var next = run.IndexOf('%');
            if (next == 0) next = 1;
            var chunk = next < 0 ? run : run[..next];
            n += Encoding.UTF8.GetBytes(chunk, bytes.AsSpan(n));
            i += chunk.Length;
        }
        return decode.GetString(bytes, 0, n);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    public static ReadOnlySpan<char> TrimWs(ReadOnlySpan<char> s) => s.Trim(" \t");

    /// <summary>
    /// Splits a header value on commas that are outside quoted strings and angle brackets
    /// (RFC 3261 §7.3.1: multiple values of a comma-separated list header). Returns false on an empty element
    /// or on unbalanced quotes.
    /// </summary>
    public static bool TrySplitTopLevel(string value, List<string> into)
    {
        var inQuote = false;
        var inAngle = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuote)
            {
                if (c == '\\') i++;
                else if (c == '"') inQuote = false;
                continue;
            }
            switch (c)
            {
                case '"': inQuote = true; break;
                case '<': inAngle = true; break;
                case '>': inAngle = false; break;
                case ',' when !inAngle:
                    if (!AddPart(value, start, i, into)) return false;
                    start = i + 1;
                    break;
            }
        }
        if (inQuote) return false;
        return AddPart(value, start, value.Length, into);
    }

    private static bool AddPart(string value, int start, int end, List<string> into)
    {
        var part = TrimWs(value.AsSpan(start, end - start));
        if (part.IsEmpty) return false;
        into.Add(part.Length == value.Length ? value : part.ToString());
        return true;
    }

    /// <summary>
    /// Reads a quoted-string starting at <paramref name="pos"/> (which must be a DQUOTE); returns the index after the
    /// closing quote, or -1 when unterminated or containing a bare control character (RFC 3261 §25.1 qdtext / quoted-pair).
    /// </summary>
    public static int SkipQuoted(ReadOnlySpan<char> s, int pos)
    {
        for (var i = pos + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\')
            {
                if (i + 1 >= s.Length || s[i + 1] is '\r' or '\n') return -1;
                i++;
            }
            else if (c == '"')
            {
                return i + 1;
            }
            else if (c < 0x20 && c != '\t' || c == 0x7f)
            {
                return -1;
            }
        }
        return -1;
    }

    /// <summary>Removes the surrounding quotes and quoted-pair escapes of a quoted-string.</summary>
    public static string Unquote(ReadOnlySpan<char> quoted)
    {
        var inner = quoted[1..^1];
        if (!inner.Contains('\\')) return inner.ToString();
        var sb = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length) i++;
            sb.Append(inner[i]);
        }
        return sb.ToString();
    }

    /// <summary>Quotes a display name, escaping backslash and DQUOTE (RFC 3261 §25.1 quoted-pair).</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>RFC 3261 §25.1 host: hostname, IPv4address or IPv6reference.</summary>
    public static bool IsHost(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        if (s[0] == '[')
        {
            return s.Length > 2 && s[^1] == ']'
                && System.Net.IPAddress.TryParse(s[1..^1], out var a)
                && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }
        var allNumeric = true;
        foreach (var c in s)
        {
            if (!IsAlnum(c) && c != '-' && c != '.') return false;
            if (!IsDigit(c) && c != '.') allNumeric = false;
        }
        if (allNumeric) return IsIPv4(s);
        if (s[0] == '-' || s[0] == '.' || s.Contains("..", StringComparison.Ordinal)) return false;
        return true;
    }

    public static bool IsIPv4(ReadOnlySpan<char> s)
    {
        var parts = 0;
        foreach (var range in s.Split('.'))
        {
            var p = s[range];
            if (p.Length is 0 or > 3 || !IsDigits(p) || int.Parse(p, provider: System.Globalization.CultureInfo.InvariantCulture) > 255) return false;
            parts++;
        }
        return parts == 4;
    }

    /// <summary>Parses a port (RFC 3261 §25.1: 1*DIGIT), accepting 0..65535.</summary>
    public static bool TryParsePort(ReadOnlySpan<char> s, out int port)
    {
        port = 0;
        if (s.IsEmpty || s.Length > 5 || !IsDigits(s)) return false;
        port = int.Parse(s, provider: System.Globalization.CultureInfo.InvariantCulture);
        return port <= 65535;
    }

    /// <summary>Splits host[:port], handling IPv6 references.</summary>
    public static bool TrySplitHostPort(ReadOnlySpan<char> s, out string host, out int? port)
    {
        host = "";
        port = null;
        int colon;
        if (s.Length > 0 && s[0] == '[')
        {
            var close = s.IndexOf(']');
            if (close < 0) return false;
            colon = close + 1 < s.Length ? close + 1 : -1;
            if (colon > 0 && s[colon] != ':') return false;
        }
        else
        {
            colon = s.IndexOf(':');
        }
        var h = colon < 0 ? s : s[..colon];
        if (!IsHost(h)) return false;
        if (colon >= 0)
        {
            if (!TryParsePort(s[(colon + 1)..], out var p)) return false;
            port = p;
        }
        host = h.ToString();
        return true;
    }
}

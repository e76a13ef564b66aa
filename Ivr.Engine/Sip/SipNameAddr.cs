using System.Text;

namespace Ivr.Engine.Sip;

/// <summary>
/// A <c>name-addr</c> or <c>addr-spec</c> with header parameters, as used by From, To, Contact, Route and
/// Record-Route (RFC 3261 §20.10, §20.20, §20.39, §25.1). Immutable.
/// </summary>
public sealed class SipNameAddr
{
    /// <summary>Creates a name-addr.</summary>
    public SipNameAddr(SipUri uri, string? displayName = null, SipParameterCollection? parameters = null)
    {
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? SipParameterCollection.Empty;
    }

    /// <summary>Display name with quotes and quoted-pairs removed, or null if absent.</summary>
    public string? DisplayName { get; }

    /// <summary>The URI.</summary>
    public SipUri Uri { get; }

    /// <summary>Header parameters after the URI (e.g. tag, q, expires).</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>The <c>tag</c> parameter (RFC 3261 §19.3), or null.</summary>
    public string? Tag => Parameters.Get("tag");

    /// <summary>Returns a copy with the tag parameter set (RFC 3261 §8.2.6.2).</summary>
    public SipNameAddr WithTag(string tag) => new(Uri, DisplayName, Parameters.With("tag", tag));

    /// <summary>Parses, throwing <see cref="FormatException"/> if invalid.</summary>
    public static SipNameAddr Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException("Invalid name-addr: " + text);

    /// <summary>
    /// Parses <c>( name-addr / addr-spec ) *( SEMI generic-param )</c>. An addr-spec without angle brackets must not
    /// contain a comma, question mark or semicolon (RFC 3261 §20.10), and no whitespace is allowed inside the
    /// brackets (RFC 4475 §3.1.2.15).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipNameAddr? value)
    {
        value = null;
        var s = SipSyntax.TrimWs(text);
        if (s.IsEmpty) return false;
        string? display = null;
        int lt;
        if (s[0] == '"')
        {
            var end = SipSyntax.SkipQuoted(s, 0);
            if (end < 0) return false;
            display = SipSyntax.Unquote(s[..end]);
            lt = end;
            while (lt < s.Length && SipSyntax.IsWs(s[lt])) lt++;
            if (lt >= s.Length || s[lt] != '<') return false;
        }
        else
        {
            lt = s.IndexOf('<');
            if (lt > 0)
            {
                var prefix = SipSyntax.TrimWs(s[..lt]);
                foreach (var range in prefix.SplitAny(" \t"))
                {
                    var tok = prefix[range];
                    if (!tok.IsEmpty && !SipSyntax.IsToken(tok)) return false;
                }
                display = prefix.IsEmpty ? null : prefix.ToString();
            }
        }

        ReadOnlySpan<char> uriText;
        ReadOnlySpan<char> rest;
        if (lt >= 0)
        {
            var gt = s[lt..].IndexOf('>');
            if (gt < 0) return false;
            uriText = s.Slice(lt + 1, gt - 1);
            rest = s[(lt + gt + 1)..];
            if (uriText.IsEmpty || SipSyntax.IsWs(uriText[0]) || SipSyntax.IsWs(uriText[^1])) return false;
        }
        else
        {
            var semi = s.IndexOf(';');
            uriText = semi < 0 ? s : s[..semi];
            rest = semi < 0 ? [] : s[semi..];
            uriText = SipSyntax.TrimWs(uriText);
            if (uriText.IndexOfAny(",? \t") >= 0) return false;
        }
        if (!SipUri.TryParse(uriText, out var uri)) return false;
        if (!SipParameterCollection.TryParseGeneric(rest, out var parameters)) return false;
        value = new SipNameAddr(uri, display, parameters);
        return true;
    }

    /// <summary>Formats as <c>"Display" &lt;uri&gt;;params</c> (always with angle brackets, which is always valid).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (DisplayName is not null) sb.Append(SipSyntax.Quote(DisplayName)).Append(' ');
        sb.Append('<').Append(Uri.ToString()).Append('>').Append(Parameters.ToString());
        return sb.ToString();
    }
}

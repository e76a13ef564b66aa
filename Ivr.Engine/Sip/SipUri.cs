using System.Globalization;
using System.Text;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip;

/// <summary>
/// A SIP, SIPS or tel URI (RFC 3261 §19.1, RFC 3966), or an opaque absolute URI of another scheme
/// (RFC 3261 §25.1 absoluteURI, kept so that a UAS can answer 416). Immutable.
/// </summary>
public sealed class SipUri
{
    /// <summary>Creates a SIP URI from components; <paramref name="user"/> is in escaped form.</summary>
    public SipUri(string scheme, string? user, string host, int? port = null,
        SipParameterCollection? parameters = null, SipParameterCollection? headers = null, string? password = null)
    {
        Scheme = scheme.ToLowerInvariant();
        User = user;
        Password = password;
        Host = host;
        Port = port;
        Parameters = parameters ?? SipParameterCollection.Empty;
        Headers = headers ?? SipParameterCollection.Empty;
    }

    private SipUri(string scheme, string opaque, string? user, SipParameterCollection parameters)
    {
        Scheme = scheme.ToLowerInvariant();
        Opaque = opaque;
        User = user;
        Host = "";
        Parameters = parameters;
        Headers = SipParameterCollection.Empty;
    }

    /// <summary>Scheme in lower case: <c>sip</c>, <c>sips</c>, <c>tel</c> or any other.</summary>
    public string Scheme { get; }

    /// <summary>True for <c>sip</c> and <c>sips</c> URIs (RFC 3261 §19.1).</summary>
    public bool IsSip => Scheme is "sip" or "sips";

    /// <summary>User part as written, escapes kept (RFC 3261 §19.1.2); for tel, the subscriber number.</summary>
    public string? User { get; }

    /// <summary>The user part with %HH escapes decoded (may contain any character, even NUL: RFC 4475 escnull).</summary>
    public string? UserUnescaped => User is null ? null : SipSyntax.Unescape(User);

    /// <summary>Password as written (RFC 3261 §19.1.1; its use is NOT RECOMMENDED).</summary>
    public string? Password { get; }

    /// <summary>Host: hostname, IPv4 address or bracketed IPv6 reference; empty for non-SIP schemes.</summary>
    public string Host { get; }

    /// <summary>Port if present; absent is not the same as 5060 (RFC 3261 §19.1.4).</summary>
    public int? Port { get; }

    /// <summary>uri-parameters as written (RFC 3261 §19.1.1).</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>Escaped headers after <c>?</c> (RFC 3261 §19.1.1); not allowed in a Request-URI.</summary>
    public SipParameterCollection Headers { get; }

    /// <summary>For schemes other than sip/sips, everything after the colon.</summary>
    public string? Opaque { get; }

    /// <summary>The <c>transport</c> URI parameter, if any.</summary>
    public string? Transport => Parameters.Get("transport");

    /// <summary>
    /// The transport this URI asks for: TLS for a <c>sips:</c> URI (RFC 3261 §26.2.2, RFC 5630 §3.1), else the one the
    /// <c>transport</c> parameter names (<c>udp</c>, <c>tcp</c>, <c>tls</c>), else <paramref name="fallback"/>.
    /// </summary>
    public SipProtocol TransportOr(SipProtocol fallback) => Scheme == "sips" ? SipProtocol.Tls : Transport?.ToLowerInvariant() switch
    {
        "tcp" => SipProtocol.Tcp,
        "udp" => SipProtocol.Udp,
        "tls" => SipProtocol.Tls,
        _ => fallback,
    };

    /// <summary>Parses a URI, throwing <see cref="FormatException"/> if invalid.</summary>
    public static SipUri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new FormatException("Invalid SIP URI: " + text);

    /// <summary>Parses a URI by the RFC 3261 §25.1 grammar (SIP-URI, SIPS-URI, absoluteURI).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var scheme = text[..colon];
        if (!char.IsAsciiLetter(scheme[0])) return false;
        foreach (var c in scheme)
        {
            if (!SipSyntax.IsAlnum(c) && c is not ('+' or '-' or '.')) return false;
        }
        var rest = text[(colon + 1)..];
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) || scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseSip(scheme.ToString(), rest, out uri);
        }
        if (rest.IsEmpty) return false;
        foreach (var c in rest)
        {
            if (c <= ' ' || c >= 0x7f || c is '<' or '>' or '"' or '{' or '}' or '|' or '\\' or '^' or '`') return false;
        }
        string? user = null;
        var parameters = SipParameterCollection.Empty;
        if (scheme.Equals("tel", StringComparison.OrdinalIgnoreCase))
        {
            var semi = rest.IndexOf(';');
            user = (semi < 0 ? rest : rest[..semi]).ToString();
            if (semi >= 0 && !TryParseUriParams(rest[semi..], out parameters)) return false;
        }
        uri = new SipUri(scheme.ToString(), rest.ToString(), user, parameters);
        return true;
    }

    private static bool TryParseSip(string scheme, ReadOnlySpan<char> rest, out SipUri? uri)
    {
        uri = null;
        string? user = null;
        string? password = null;
        // '@' cannot appear unescaped anywhere else in a SIP URI, so the first one ends the userinfo.
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userinfo = rest[..at];
            var pc = userinfo.IndexOf(':');
            var u = pc < 0 ? userinfo : userinfo[..pc];
            if (!SipSyntax.IsUser(u)) return false;
            user = u.ToString();
            if (pc >= 0)
            {
                var p = userinfo[(pc + 1)..];
                if (!SipSyntax.IsPassword(p)) return false;
                password = p.ToString();
            }
            rest = rest[(at + 1)..];
        }
        var headers = SipParameterCollection.Empty;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            if (!TryParseUriHeaders(rest[(q + 1)..], out headers)) return false;
            rest = rest[..q];
        }
        var parameters = SipParameterCollection.Empty;
        var semi = rest.IndexOf(';');
        if (semi >= 0)
        {
            if (!TryParseUriParams(rest[semi..], out parameters)) return false;
            rest = rest[..semi];
        }
        if (!SipSyntax.TrySplitHostPort(rest, out var host, out var port)) return false;
        uri = new SipUri(scheme, user, host, port, parameters, headers, password);
        return true;
    }

    private static bool TryParseUriParams(ReadOnlySpan<char> s, out SipParameterCollection parameters)
    {
        parameters = SipParameterCollection.Empty;
        var list = new List<SipParameter>();
        foreach (var range in s[1..].Split(';'))
        {
            var p = s[1..][range];
            var eq = p.IndexOf('=');
            var name = eq < 0 ? p : p[..eq];
            if (!SipSyntax.IsParamChars(name)) return false;
            string? value = null;
            if (eq >= 0)
            {
                var v = p[(eq + 1)..];
                if (!SipSyntax.IsParamChars(v)) return false;
                value = v.ToString();
            }
            list.Add(new SipParameter(name.ToString(), value));
        }
        parameters = new SipParameterCollection(list);
        return true;
    }

    private static bool TryParseUriHeaders(ReadOnlySpan<char> s, out SipParameterCollection headers)
    {
        headers = SipParameterCollection.Empty;
        var list = new List<SipParameter>();
        foreach (var range in s.Split('&'))
        {
            var h = s[range];
            var eq = h.IndexOf('=');
            if (eq <= 0) return false;
            if (!SipSyntax.IsHeaderChars(h[..eq], allowEmpty: false) || !SipSyntax.IsHeaderChars(h[(eq + 1)..], allowEmpty: true)) return false;
            list.Add(new SipParameter(h[..eq].ToString(), h[(eq + 1)..].ToString()));
        }
        headers = new SipParameterCollection(list);
        return true;
    }

    /// <summary>Returns a copy with a URI parameter set.</summary>
    public SipUri WithParameter(string name, string? value) =>
        Opaque is null ? new SipUri(Scheme, User, Host, Port, Parameters.With(name, value), Headers, Password) : this;

    /// <summary>
    /// URI equality per RFC 3261 §19.1.4: scheme must match; user and password compared case-sensitively after
    /// unescaping; host case-insensitively; port, transport, user, ttl, method and maddr must match if either has them;
    /// other parameters only when both have them; headers must all match.
    /// </summary>
    public bool EqualsRfc(SipUri? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (!string.Equals(Scheme, other.Scheme, StringComparison.Ordinal)) return false;
        if (!IsSip)
        {
            return string.Equals(SipSyntax.UnescapeOctets(Opaque ?? ""), SipSyntax.UnescapeOctets(other.Opaque ?? ""), StringComparison.OrdinalIgnoreCase);
        }
        if (!string.Equals(Unescaped(User), Unescaped(other.User), StringComparison.Ordinal)) return false;
        if (!string.Equals(Password is null ? null : SipSyntax.UnescapeOctets(Password),
                other.Password is null ? null : SipSyntax.UnescapeOctets(other.Password), StringComparison.Ordinal)) return false;
        if (!string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase)) return false;
        if (Port != other.Port) return false;
        foreach (var p in Parameters)
        {
            var mine = Unescaped(p.Value);
            var found = TryGetParam(other.Parameters, p.Name, out var theirs);
            if (found)
            {
                if (!string.Equals(mine, Unescaped(theirs), StringComparison.OrdinalIgnoreCase)) return false;
            }
            else if (IsSignificantParam(p.Name))
            {
                return false;
            }
        }
        foreach (var p in other.Parameters)
        {
            if (IsSignificantParam(p.Name) && !TryGetParam(Parameters, p.Name, out _)) return false;
        }
        if (Headers.Count != other.Headers.Count) return false;
        foreach (var h in Headers)
        {
            if (!TryGetParam(other.Headers, h.Name, out var theirs)) return false;
            if (!string.Equals(Unescaped(h.Value), Unescaped(theirs), StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private static string? Unescaped(string? s) => s is null ? null : SipSyntax.UnescapeOctets(s);

    private static bool IsSignificantParam(string name)
    {
        var n = SipSyntax.UnescapeOctets(name);
        return n.Equals("transport", StringComparison.OrdinalIgnoreCase) || n.Equals("user", StringComparison.OrdinalIgnoreCase)
            || n.Equals("ttl", StringComparison.OrdinalIgnoreCase) || n.Equals("method", StringComparison.OrdinalIgnoreCase)
            || n.Equals("maddr", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryGetParam(SipParameterCollection c, string name, out string? value)
    {
        var n = SipSyntax.UnescapeOctets(name);
        foreach (var p in c)
        {
            if (SipSyntax.UnescapeOctets(p.Name).Equals(n, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>Formats the URI; parsing the result yields an equal URI (components are kept as written).</summary>
    public override string ToString()
    {
        if (Opaque is not null) return Scheme + ":" + Opaque;
        var sb = new StringBuilder(Scheme.Length + Host.Length + 32);
        sb.Append(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null) sb.Append(':').Append(Password);
            sb.Append('@');
        }
        sb.Append(Host);
        if (Port is { } port) sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        sb.Append(Parameters.ToString());
        for (var i = 0; i < Headers.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(Headers[i].Name).Append('=').Append(Headers[i].Value);
        }
        return sb.ToString();
    }
}

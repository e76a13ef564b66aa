namespace Ivr.Engine.Sip.Auth;

/// <summary>
/// The Digest credentials of an Authorization header (RFC 7616 §3.4, RFC 3261 §25.1 <c>digest-response</c>):
/// <c>Digest username="…", realm="…", nonce="…", uri="…", response="…", algorithm=…, cnonce="…", qop=auth, nc=…</c>.
/// </summary>
public sealed record DigestCredentials
{
    /// <summary>The user name (<c>username</c>).</summary>
    public required string Username { get; init; }

    /// <summary>The realm the credentials are for.</summary>
    public required string Realm { get; init; }

    /// <summary>The server nonce being answered.</summary>
    public required string Nonce { get; init; }

    /// <summary>The digest-uri, exactly as the client hashed it.</summary>
    public required string Uri { get; init; }

    /// <summary>The client's response hash (hex).</summary>
    public required string Response { get; init; }

    /// <summary>The algorithm token as sent, or null (meaning MD5).</summary>
    public string? Algorithm { get; init; }

    /// <summary>The client nonce, required with qop.</summary>
    public string? Cnonce { get; init; }

    /// <summary>The quality of protection chosen (<c>auth</c>), or null for RFC 2069-style credentials.</summary>
    public string? Qop { get; init; }

    /// <summary>The nonce count as sent (8 hex digits), required with qop.</summary>
    public string? NonceCount { get; init; }

    /// <summary>The opaque value echoed from the challenge, if any.</summary>
    public string? Opaque { get; init; }

    /// <summary>
    /// Parses an Authorization (or Proxy-Authorization) value. Returns false with a reason when the scheme is not
    /// Digest, the syntax is broken, a parameter repeats, or username/realm/nonce/uri/response is missing.
    /// </summary>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DigestCredentials? credentials, out string error)
    {
        credentials = null;
        if (value is null)
        {
            error = "no credentials";
            return false;
        }
        var s = value.AsSpan().Trim(" \t");
        if (!s.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || s.Length <= 6 || !SipSyntax.IsWs(s[6]))
        {
            error = "not Digest credentials";
            return false;
        }
        if (!TryParseParams(s[7..], out var p, out error)) return false;
        string? Get(string name) => p.TryGetValue(name, out var v) ? v : null;
        var username = Get("username");
        var realm = Get("realm");
        var nonce = Get("nonce");
        var uri = Get("uri");
        var response = Get("response");
        if (username is null || realm is null || nonce is null || uri is null || response is null)
        {
            error = "username, realm, nonce, uri and response are required";
            return false;
        }
        credentials = new DigestCredentials
        {
            Username = username,
            Realm = realm,
            Nonce = nonce,
            Uri = uri,
            Response = response,
            Algorithm = Get("algorithm"),
            Cnonce = Get("cnonce"),
            Qop = Get("qop"),
            NonceCount = Get("nc"),
            Opaque = Get("opaque"),
        };
        error = "";
        return true;
    }

    // auth-param = token EQUAL ( token / quoted-string ), separated by COMMA with optional whitespace (RFC 3261 §25.1).
    private static bool TryParseParams(ReadOnlySpan<char> s, out Dictionary<string, string> result, out string error)
    {
        result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        error = "";
        var i = 0;
        while (true)
        {
            while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
            var nameStart = i;
            while (i < s.Length && SipSyntax.IsTokenChar(s[i])) i++;
            if (i == nameStart)
            {
                error = "expected a parameter name at " + i;
                return false;
            }
            var name = s[nameStart..i].ToString();
            while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
            if (i >= s.Length || s[i] != '=')
            {
                error = $"parameter '{name}' has no value";
                return false;
            }
            i++;
            while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
            string val;
            if (i < s.Length && s[i] == '"')
            {
                var end = SipSyntax.SkipQuoted(s, i);
                if (end < 0)
                {
                    error = $"parameter '{name}' has an unterminated quoted string";
                    return false;
                }
                val = SipSyntax.Unquote(s[i..end]);
                i = end;
            }
            else
            {
                var vStart = i;
                while (i < s.Length && SipSyntax.IsTokenChar(s[i])) i++;
                if (i == vStart)
                {
                    error = $"parameter '{name}' has an empty value";
                    return false;
                }
                val = s[vStart..i].ToString();
            }
            if (!result.TryAdd(name, val))
            {
                error = $"parameter '{name}' appears twice";
                return false;
            }
            while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
            if (i >= s.Length) return true;
            if (s[i] != ',')
            {
                error = "expected a comma at " + i;
                return false;
            }
            i++;
        }
    }
}

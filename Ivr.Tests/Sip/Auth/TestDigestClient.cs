using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ivr.Tests.Sip.Auth;

/// <summary>
/// The user-agent side of Digest (RFC 7616 §3.4) written independently of the engine's <c>Digest</c> class, so tests
/// check the server against a second implementation rather than against itself.
/// </summary>
internal static class TestDigestClient
{
    /// <summary>Reads <c>name="value"</c> or <c>name=value</c> from a WWW-Authenticate value.</summary>
    public static string? Param(string challenge, string name)
    {
        foreach (var part in challenge["Digest ".Length..].Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) continue;
            if (!part[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            return part[(eq + 1)..].Trim().Trim('"');
        }
        return null;
    }

    /// <summary>An Authorization value answering <paramref name="challenge"/>.</summary>
    public static string Authorization(string challenge, string user, string password, string method, string uri, int nc = 1,
        string cnonce = "0a4f113b", string? responseOverride = null, string? realmOverride = null)
    {
        var realm = realmOverride ?? Param(challenge, "realm")!;
        var nonce = Param(challenge, "nonce")!;
        var algorithm = Param(challenge, "algorithm") ?? "MD5";
        Func<string, string> h = algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)
            ? s => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))
            : s => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
        var ncText = nc.ToString("x8", CultureInfo.InvariantCulture);
        var ha1 = h($"{user}:{realm}:{password}");
        var ha2 = h($"{method}:{uri}");
        var response = responseOverride ?? h($"{ha1}:{nonce}:{ncText}:{cnonce}:auth:{ha2}");
        return $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", " +
               $"algorithm={algorithm}, cnonce=\"{cnonce}\", qop=auth, nc={ncText}";
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Ivr.Engine.Sip.Auth;

/// <summary>The Digest computations of RFC 7616 §3.4 (qop=auth) with the algorithm tokens of RFC 8760 §2.</summary>
public static class Digest
{
    /// <summary>The algorithm token used in challenges and credentials: <c>MD5</c> or <c>SHA-256</c>.</summary>
    public static string Token(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5 => "MD5",
        DigestAlgorithm.Sha256 => "SHA-256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Reads an algorithm token (case-insensitive); an absent token means MD5 (RFC 7616 §3.3).</summary>
    public static bool TryParseAlgorithm(string? token, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (token is null || token.Equals("MD5", StringComparison.OrdinalIgnoreCase)) return true;
        if (!token.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)) return false;
        algorithm = DigestAlgorithm.Sha256;
        return true;
    }

    /// <summary>Length of a hex digest of <paramref name="algorithm"/> (32 for MD5, 64 for SHA-256).</summary>
    public static int HexLength(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Md5 ? 32 : 64;

    /// <summary>The lower-case hex hash of the UTF-8 bytes of <paramref name="text"/> (RFC 7616 §3.4: H(data)).</summary>
    public static string Hash(DigestAlgorithm algorithm, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm == DigestAlgorithm.Md5 ? MD5.HashData(bytes) : SHA256.HashData(bytes);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2); what a credential file should store.</summary>
    public static string Ha1(DigestAlgorithm algorithm, string username, string realm, string password) =>
        Hash(algorithm, username + ":" + realm + ":" + password);

    /// <summary>
    /// The expected <c>response</c> for qop=auth: H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri))
    /// (RFC 7616 §3.4.1, §3.4.3).
    /// </summary>
    public static string Response(DigestAlgorithm algorithm, string ha1, string nonce, string nc, string cnonce, string qop, string method, string digestUri)
    {
        var ha2 = Hash(algorithm, method + ":" + digestUri);
        return Hash(algorithm, string.Join(':', ha1, nonce, nc, cnonce, qop, ha2));
    }

    /// <summary>Compares two hex digests in time independent of where they differ (case-insensitive for hex letters).</summary>
    public static bool FixedTimeEquals(string expected, string actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var a = Encoding.ASCII.GetBytes(expected.ToLowerInvariant());
        var b = Encoding.ASCII.GetBytes(actual.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}

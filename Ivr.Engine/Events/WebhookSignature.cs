using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ivr.Engine.Events;

/// <summary>
/// The signature of a webhook request: <c>X-Ivr-Signature: sha256=HEX</c>, the HMAC-SHA256 with the webhook's secret of
/// the ASCII timestamp of <c>X-Ivr-Timestamp</c> (Unix seconds), a dot, and the raw body bytes.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-Ivr-Signature";

    /// <summary>The header carrying the Unix time (seconds) the request was signed at.</summary>
    public const string TimestampHeader = "X-Ivr-Timestamp";

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>The <c>X-Ivr-Signature</c> value (<c>sha256=</c> and 64 lowercase hex digits) of <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// True when <paramref name="signature"/> is the signature of <paramref name="body"/> at <paramref name="timestamp"/> and
    /// that time is within <paramref name="tolerance"/> of <paramref name="now"/> (a replayed old request fails).
    /// </summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        // Beyond year 9999 DateTimeOffset cannot hold it: a forged header must give false, not an exception.
        if (seconds > MaxUnixSeconds) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}

using System.Globalization;

namespace Ivr.Engine.Media;

/// <summary>
/// An SDES <c>a=crypto</c> attribute (RFC 4568 §4, §9.1): tag, crypto suite, key parameters and session parameters,
/// as written. <see cref="TryGetKey"/> says whether this engine can use it.
/// </summary>
public sealed record SdpCrypto(int Tag, string Suite, IReadOnlyList<string> KeyParameters, IReadOnlyList<string> SessionParameters)
{
    /// <summary>The attribute name (RFC 4568 §9.1).</summary>
    public const string AttributeName = "crypto";

    private const string Inline = "inline:";

    /// <summary>An attribute with one <c>inline:</c> key for <paramref name="suite"/> (master key then salt, base64; RFC 4568 §6.1).</summary>
    public static SdpCrypto ForKey(int tag, SrtpSuite suite, ReadOnlySpan<byte> keyAndSalt) =>
        new(tag, SrtpSuites.Name(suite), [Inline + Convert.ToBase64String(keyAndSalt)], []);

    /// <summary>The value after <c>a=</c>: <c>crypto:tag suite inline:key…</c>.</summary>
    public override string ToString()
    {
        var text = $"{AttributeName}:{Tag.ToString(CultureInfo.InvariantCulture)} {Suite} {string.Join(';', KeyParameters)}";
        return SessionParameters.Count == 0 ? text : text + " " + string.Join(' ', SessionParameters);
    }

    /// <summary>The <c>a=crypto</c> lines of <paramref name="media"/> that parse (RFC 4568 §9.1); malformed ones are skipped.</summary>
    public static IReadOnlyList<SdpCrypto> From(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var found = new List<SdpCrypto>();
        foreach (var line in media.OtherLines)
        {
            if (line.Type == 'a' && line.Value.StartsWith(AttributeName + ":", StringComparison.Ordinal)
                && TryParse(line.Value[(AttributeName.Length + 1)..], out var crypto))
            {
                found.Add(crypto);
            }
        }

        return found;
    }

    /// <summary>Parses the text after <c>a=crypto:</c> (RFC 4568 §9.1: tag 1-9 digits, suite, key-params, session-params).</summary>
    public static bool TryParse(string value, out SdpCrypto crypto)
    {
        ArgumentNullException.ThrowIfNull(value);
        crypto = null!;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0].Length > 9
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tag))
        {
            return false;
        }

        var keys = parts[2].Split(';');
        if (keys.Any(k => k.IndexOf(':', StringComparison.Ordinal) <= 0))
        {
            return false;
        }

        crypto = new SdpCrypto(tag, parts[1], keys, parts[3..]);
        return true;
    }

    /// <summary>
    /// The suite, key and salt, and lifetime when this engine can use the attribute; otherwise false with why. Supported:
    /// one <c>inline:</c> key of 30 bytes, an optional lifetime up to 2^48 (RFC 4568 §6.1), no MKI (RFC 3711 §3.1: we key
    /// one master key per direction), and no session parameters but <c>UNENCRYPTED_SRTCP</c> (no RTCP is sent) and the
    /// <c>WSH</c> hint (RFC 4568 §6.3).
    /// </summary>
    public bool TryGetKey(out SrtpSuite suite, out byte[] keyAndSalt, out ulong lifetime, out string problem)
    {
        keyAndSalt = [];
        lifetime = SrtpSuites.MaxLifetime;
        problem = string.Empty;
        if (!SrtpSuites.TryParse(Suite, out suite))
        {
            problem = $"crypto {Tag}: suite {Suite} is not supported";
            return false;
        }

        if (KeyParameters.Count != 1 || !KeyParameters[0].StartsWith(Inline, StringComparison.Ordinal))
        {
            problem = $"crypto {Tag}: only one inline key is supported";
            return false;
        }

        var fields = KeyParameters[0][Inline.Length..].Split('|');
        if (fields.Length > 3 || fields.Skip(1).Any(f => f.Contains(':', StringComparison.Ordinal)))
        {
            problem = $"crypto {Tag}: MKI is not supported";
            return false;
        }

        if (fields.Length == 3)
        {
            problem = $"crypto {Tag}: malformed key parameters";
            return false;
        }

        var key = new byte[SrtpSuites.KeyAndSaltLength + 3];
        if (!Convert.TryFromBase64String(fields[0], key, out var written) || written != SrtpSuites.KeyAndSaltLength)
        {
            problem = $"crypto {Tag}: the inline key is not {SrtpSuites.KeyAndSaltLength} bytes of base64";
            return false;
        }

        if (fields.Length == 2 && !TryParseLifetime(fields[1], out lifetime))
        {
            problem = $"crypto {Tag}: lifetime '{fields[1]}' is not supported (at most 2^48)";
            return false;
        }

        foreach (var parameter in SessionParameters)
        {
            if (parameter != "UNENCRYPTED_SRTCP" && !parameter.StartsWith("WSH=", StringComparison.Ordinal))
            {
                problem = $"crypto {Tag}: session parameter {parameter} is not supported";
                return false;
            }
        }

        keyAndSalt = key[..SrtpSuites.KeyAndSaltLength];
        return true;
    }

    // RFC 4568 §6.1: "2^n" or a decimal count of packets.
    private static bool TryParseLifetime(string text, out ulong lifetime)
    {
        lifetime = 0;
        if (text.StartsWith("2^", StringComparison.Ordinal))
        {
            if (!int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var power) || power > 48)
            {
                return false;
            }

            lifetime = 1UL << power;
            return true;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lifetime)
            && lifetime is > 0 and <= SrtpSuites.MaxLifetime;
    }
}

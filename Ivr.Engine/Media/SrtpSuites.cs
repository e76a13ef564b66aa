namespace Ivr.Engine.Media;

/// <summary>Names and sizes of the <see cref="SrtpSuite"/>s (RFC 4568 §6.2).</summary>
public static class SrtpSuites
{
    /// <summary>Master key length in bytes (AES-128, RFC 3711 §8.2).</summary>
    public const int MasterKeyLength = 16;

    /// <summary>Master salt length in bytes (112 bits, RFC 3711 §8.2).</summary>
    public const int MasterSaltLength = 14;

    /// <summary>The SDES <c>inline:</c> key: master key then master salt (RFC 4568 §6.1).</summary>
    public const int KeyAndSaltLength = MasterKeyLength + MasterSaltLength;

    /// <summary>Most packets one master key may protect with these suites (RFC 3711 §9.2: 2^48 SRTP packets).</summary>
    public const ulong MaxLifetime = 1UL << 48;

    /// <summary>Every suite, in the order we offer them (the 80-bit tag first, RFC 4568 §6.2.1 "default").</summary>
    public static IReadOnlyList<SrtpSuite> All { get; } = [SrtpSuite.AesCm128HmacSha1_80, SrtpSuite.AesCm128HmacSha1_32];

    /// <summary>The suite's name in <c>a=crypto</c>.</summary>
    public static string Name(SrtpSuite suite) => suite switch
    {
        SrtpSuite.AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
        SrtpSuite.AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, "Unknown SRTP suite."),
    };

    /// <summary>The authentication tag appended to each SRTP packet, in bytes (10 or 4).</summary>
    public static int TagLength(SrtpSuite suite) => suite == SrtpSuite.AesCm128HmacSha1_32 ? 4 : 10;

    /// <summary>Reads a suite name (case-sensitive, as RFC 4568 §9.2 registers them); false for one we do not speak.</summary>
    public static bool TryParse(string name, out SrtpSuite suite)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                suite = candidate;
                return true;
            }
        }

        suite = default;
        return false;
    }
}

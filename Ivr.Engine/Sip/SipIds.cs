using System.Security.Cryptography;

namespace Ivr.Engine.Sip;

/// <summary>Random identifiers: branches (RFC 3261 §8.1.1.7), tags (§19.3) and Call-IDs (§8.1.1.4).</summary>
public static class SipIds
{
    /// <summary>A new branch: the magic cookie <c>z9hG4bK</c> followed by 128 random bits in hex.</summary>
    public static string NewBranch() => SipVia.MagicCookie + RandomHex(16);

    /// <summary>A new tag with 64 random bits (RFC 3261 §19.3 asks for at least 32).</summary>
    public static string NewTag() => RandomHex(8);

    /// <summary>A new Call-ID with 128 random bits, optionally <c>@host</c> (RFC 3261 §8.1.1.4).</summary>
    public static string NewCallId(string? host = null) => host is null ? RandomHex(16) : RandomHex(16) + "@" + host;

    private static string RandomHex(int bytes)
    {
        Span<byte> buf = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buf);
        return Convert.ToHexStringLower(buf);
    }
}

using Ivr.Engine.Net;

namespace Ivr.Engine.Sip.Auth;

/// <summary>
/// What the server knows to verify one SIP user's Digest response: HA1 hashes per algorithm (preferred) or a plain
/// password from which they are derived for the realm.
/// </summary>
public sealed record SipCredential
{
    /// <summary>The SIP user name (Digest <c>username</c> and address-of-record user part).</summary>
    public required string User { get; init; }

    /// <summary>The agent these credentials belong to.</summary>
    public required string AgentId { get; init; }

    /// <summary>Plain password, or null when only hashes are stored.</summary>
    public string? Password { get; init; }

    /// <summary>MD5(user:realm:password) in hex, or null.</summary>
    public string? Ha1Md5 { get; init; }

    /// <summary>SHA-256(user:realm:password) in hex, or null.</summary>
    public string? Ha1Sha256 { get; init; }

    /// <summary>Address ranges the user may authenticate from; empty: any address.</summary>
    public AddressRanges AllowedNetworks { get; init; } = AddressRanges.None;

    /// <summary>True when <paramref name="source"/> (IPv4-mapped IPv6 included) lies in <see cref="AllowedNetworks"/>, or that list is empty.</summary>
    public bool AllowsSource(System.Net.IPAddress source) => AllowedNetworks.IsEmpty || AllowedNetworks.Contains(source);

    /// <summary>True if a response made with <paramref name="algorithm"/> can be verified.</summary>
    public bool Supports(DigestAlgorithm algorithm) =>
        Password is not null || (algorithm == DigestAlgorithm.Md5 ? Ha1Md5 : Ha1Sha256) is not null;

    /// <summary>HA1 for <paramref name="algorithm"/> in <paramref name="realm"/>, or null when neither hash nor password allows it.</summary>
    public string? Ha1(DigestAlgorithm algorithm, string realm)
    {
        var stored = algorithm == DigestAlgorithm.Md5 ? Ha1Md5 : Ha1Sha256;
        if (stored is not null) return stored;
        return Password is null ? null : Digest.Ha1(algorithm, User, realm, Password);
    }
}

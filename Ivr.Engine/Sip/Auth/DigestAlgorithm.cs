namespace Ivr.Engine.Sip.Auth;

/// <summary>A Digest hash algorithm (RFC 7616 §3.2, RFC 8760 §2): SHA-256 preferred, MD5 for older user agents.</summary>
public enum DigestAlgorithm
{
    /// <summary>MD5 (RFC 3261 §22.4, RFC 2617), kept for backward compatibility (RFC 8760 §2.4).</summary>
    Md5,

    /// <summary>SHA-256 (RFC 7616 §3.2, RFC 8760 §2.1).</summary>
    Sha256,
}

namespace Ivr.Engine.Media;

/// <summary>What <see cref="SrtpContext.Unprotect"/> made of a received packet.</summary>
public enum SrtpUnprotectResult
{
    /// <summary>Authentic and fresh: the payload is decrypted in place.</summary>
    Ok,

    /// <summary>Not an SRTP packet of this suite (too short, not RTP version 2, header past the end).</summary>
    Malformed,

    /// <summary>The authentication tag does not match (RFC 3711 §3.3 step 5): tampered, or keyed otherwise.</summary>
    AuthenticationFailed,

    /// <summary>An index already received or older than the replay window (RFC 3711 §3.3.2).</summary>
    Replayed,

    /// <summary>The master key's packet lifetime is used up (RFC 3711 §9.2).</summary>
    KeyExpired,
}

namespace Ivr.Engine.Sip.Auth;

/// <summary>What <see cref="DigestNonces.Check"/> found about a nonce.</summary>
public enum NonceCheck
{
    /// <summary>Issued here, signed by this server, still within its lifetime.</summary>
    Valid,

    /// <summary>Issued here but past its lifetime: challenge again with stale=true (RFC 7616 §3.3).</summary>
    Stale,

    /// <summary>Not a nonce this server signed (forged, truncated, from another realm or an earlier process).</summary>
    Invalid,
}

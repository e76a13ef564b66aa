namespace Ivr.Engine.Sip.Auth;

/// <summary>Finds the Digest credentials of a SIP user (thread-safe; the configuration may change at run time).</summary>
public interface ISipCredentialSource
{
    /// <summary>The credentials of <paramref name="user"/> (case-sensitive, RFC 3261 §19.1.4), or null if unknown.</summary>
    SipCredential? Find(string user);

    /// <summary>
    /// The algorithms to challenge the unknown <paramref name="user"/> with, so that its challenge looks like a known
    /// user's (a stable pick among the known users' sets); null: every algorithm offered.
    /// </summary>
    IReadOnlyList<DigestAlgorithm>? DecoyAlgorithms(string user) => null;
}

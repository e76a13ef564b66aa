namespace Ivr.Engine.Sip.Auth;

/// <summary>The verdict on a request's Digest credentials, and the answer it calls for.</summary>
public enum DigestOutcome
{
    /// <summary>The response is right, the nonce fresh and its count new.</summary>
    Authenticated,

    /// <summary>No Digest credentials for our realm: challenge (401).</summary>
    Missing,

    /// <summary>Credentials that cannot be used (unknown algorithm, no qop=auth, a nonce not ours, a replayed count): challenge again (401).</summary>
    Unusable,

    /// <summary>The response was right but the nonce expired: challenge with stale=true (401, RFC 7616 §3.3).</summary>
    Stale,

    /// <summary>Wrong password or unknown user (one answer for both, so user names cannot be probed): 403.</summary>
    Rejected,

    /// <summary>The Authorization header does not parse, its uri is not the Request-URI or its nonce count is not 8 hex digits from 00000001: 400.</summary>
    Malformed,
}

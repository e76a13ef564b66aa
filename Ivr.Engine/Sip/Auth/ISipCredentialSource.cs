namespace Ivr.Engine.Sip.Auth;

/// <summary>Finds the Digest credentials of a SIP user (thread-safe; the configuration may change at run time).</summary>
public interface ISipCredentialSource
{
    /// <summary>The credentials of <paramref name="user"/> (case-sensitive, RFC 3261 §19.1.4), or null if unknown.</summary>
    SipCredential? Find(string user);
}

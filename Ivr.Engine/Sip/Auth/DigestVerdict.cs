namespace Ivr.Engine.Sip.Auth;

/// <summary>
/// The outcome of <see cref="DigestAuthenticator.Verify"/>, the authenticated credential, a reason for logs and reason
/// phrases, and the Digest user name the credentials claimed (null when there were none to read it from).
/// </summary>
public sealed record DigestVerdict(DigestOutcome Outcome, SipCredential? Credential, string Detail, string? Username = null);

namespace Ivr.Engine.Sip.Auth;

/// <summary>The outcome of <see cref="DigestAuthenticator.Verify"/>, the authenticated credential and a reason for logs and reason phrases.</summary>
public sealed record DigestVerdict(DigestOutcome Outcome, SipCredential? Credential, string Detail);

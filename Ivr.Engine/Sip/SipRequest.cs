namespace Ivr.Engine.Sip;

/// <summary>A SIP request (RFC 3261 §7.1): method, Request-URI and SIP-Version.</summary>
public sealed class SipRequest : SipMessage
{
    /// <summary>Creates a request; methods are case-sensitive tokens (RFC 3261 §7.1).</summary>
    public SipRequest(string method, SipUri requestUri)
    {
        Method = method;
        RequestUri = requestUri;
    }

    /// <summary>The method, e.g. <c>INVITE</c>.</summary>
    public string Method { get; }

    /// <summary>The Request-URI (RFC 3261 §8.1.1.1).</summary>
    public SipUri RequestUri { get; set; }

    /// <inheritdoc/>
    public override bool IsRequest => true;

    /// <inheritdoc/>
    public override string StartLine => Method + " " + RequestUri + " " + Version;
}

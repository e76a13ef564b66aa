namespace Ivr.Engine.Sip.Transport;

/// <summary>The transport a SIP message travels on (RFC 3261 §18).</summary>
public enum SipProtocol
{
    Udp,

    Tcp,

    /// <summary>TLS over TCP (RFC 3261 §26.2): Via token <c>TLS</c>, <c>sips:</c> URIs or <c>;transport=tls</c>.</summary>
    Tls,
}

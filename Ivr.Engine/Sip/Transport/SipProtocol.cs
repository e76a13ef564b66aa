namespace Ivr.Engine.Sip.Transport;

/// <summary>The transport a SIP message travels on (RFC 3261 §18).</summary>
public enum SipProtocol
{
    Udp,
    Tcp,
}

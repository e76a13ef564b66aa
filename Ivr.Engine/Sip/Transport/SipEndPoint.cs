using System.Net;

namespace Ivr.Engine.Sip.Transport;

/// <summary>A transport address: protocol plus IP end point; responses go back the way the request came (RFC 3261 §18.2.2).</summary>
public readonly record struct SipEndPoint(SipProtocol Protocol, IPEndPoint EndPoint)
{
    /// <summary>Renders as <c>udp:127.0.0.1:5060</c>.</summary>
    public override string ToString() => $"{Protocol.ToString().ToLowerInvariant()}:{EndPoint}";
}

using System.Net;

namespace Ivr.Engine.Sip.Transport;

/// <summary>A transport address: protocol plus IP end point; responses go back the way the request came (RFC 3261 §18.2.2).</summary>
public readonly record struct SipEndPoint(SipProtocol Protocol, IPEndPoint EndPoint)
{
    /// <summary>
    /// The name the target was reached by (a URI host that is not an IP literal): a TLS server's certificate must carry it
    /// (RFC 5922 §4); null: the certificate must carry the address. Not part of equality.
    /// </summary>
    public string? Host { get; init; }

    /// <summary>
    /// True on the source of a message that arrived on a stream connection: responses and in-dialog requests sent back to
    /// it may ride that same connection (RFC 3261 §18.2.2), whoever opened it. A new request to a TLS target never rides a
    /// connection the peer opened to us, whose certificate nobody checked (RFC 5923 §4). Not part of equality.
    /// </summary>
    public bool Flow { get; init; }

    /// <summary>Same protocol and address (<see cref="Host"/> and <see cref="Flow"/> aside).</summary>
    public bool Equals(SipEndPoint other) => Protocol == other.Protocol && Equals(EndPoint, other.EndPoint);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Protocol, EndPoint);

    /// <summary>Renders as <c>udp:127.0.0.1:5060</c>.</summary>
    public override string ToString() => $"{Protocol.ToString().ToLowerInvariant()}:{EndPoint}";
}

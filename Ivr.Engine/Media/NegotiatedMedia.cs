using System.Net;

namespace Ivr.Engine.Media;

/// <summary>
/// The outcome of offer/answer for our audio stream: format, where to send RTP (from <c>c=</c> and <c>m=</c>,
/// RFC 4566 §5.7/§5.14) and RTCP (RFC 3605 or port + 1), and our own direction (RFC 3264 §6.1).
/// </summary>
public sealed record NegotiatedMedia(MediaFormat Format, IPEndPoint RemoteEndPoint, IPEndPoint RemoteRtcpEndPoint, MediaDirection Direction)
{
    /// <summary>SRTP keyed by SDES (RFC 4568), or null for plain RTP.</summary>
    public NegotiatedSrtp? Srtp { get; init; }

    /// <summary>
    /// True when <see cref="RemoteEndPoint"/> is known exactly (ARI names Asterisk's own RTP address): only packets from
    /// it are taken, even from a NAT range, and the session never latches onto another sender.
    /// </summary>
    public bool Pinned { get; init; }

    /// <summary>True when we should send RTP (sendrecv or sendonly from our side).</summary>
    public bool Sends => Direction is MediaDirection.SendRecv or MediaDirection.SendOnly;

    /// <summary>True when we should expect RTP (sendrecv or recvonly from our side).</summary>
    public bool Receives => Direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;
}

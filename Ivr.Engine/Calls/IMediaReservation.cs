using System.Net;
using Ivr.Engine.Media;

namespace Ivr.Engine.Calls;

/// <summary>A reserved local RTP endpoint; disposing it before <see cref="Open"/> releases the port.</summary>
public interface IMediaReservation : IDisposable
{
    /// <summary>The address and port to advertise in SDP (<c>c=</c> and <c>m=</c>, RFC 4566 §5.7, §5.14).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Creates the media session for the negotiated stream on this endpoint; the session then owns the port.</summary>
    IMediaSession Open(NegotiatedMedia media);
}

using System.Net;
using Ivr.Engine.Net;

namespace Ivr.Engine.Media;

/// <summary>
/// A local RTP port taken for a call before its SDP is answered: the endpoint to advertise, then the session for the
/// negotiated stream. Hands out the session only as <see cref="IMediaSession"/>, so the RTP class stays inside Media.
/// </summary>
public sealed class RtpSessionReservation
{
    private readonly RtpMediaSession _session;
    private bool _opened;

    /// <summary>Takes a port from <paramref name="ports"/> for a session paced by <paramref name="pacer"/> (see <see cref="RtpMediaSession"/>).</summary>
    public RtpSessionReservation(RtpPortAllocator ports, MediaPacer pacer, TimeProvider time, MediaCounters counters, NatNetworks natNetworks) =>
        _session = new RtpMediaSession(ports, pacer, time, counters, natNetworks);

    /// <summary>The address and port to advertise in SDP.</summary>
    public IPEndPoint LocalEndPoint => _session.LocalEndPoint;

    /// <summary>Configures the session for <paramref name="media"/>; from then on the call owns it (and closes it).</summary>
    public IMediaSession Open(NegotiatedMedia media)
    {
        _session.Configure(media);
        _opened = true;
        return _session;
    }

    /// <summary>Frees the port unless the session was opened (then the call closes it).</summary>
    public void Release()
    {
        if (!_opened) _session.Close();
    }
}

using System.Net;
using Ivr.Engine.Calls;
using Ivr.Engine.Media;
using Ivr.Engine.Net;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The real media plug: one RTP session per call (<see cref="RtpSessionReservation"/>), its UDP port from a shared
/// <see cref="RtpPortAllocator"/>, all calls paced by one shared <see cref="MediaPacer"/>.
/// </summary>
public sealed class RtpMediaSessionFactory : IMediaSessionFactory, IDisposable
{
    private readonly RtpPortAllocator _ports;
    private readonly MediaPacer _pacer;
    private readonly TimeProvider _time;
    private readonly MediaCounters _counters = new();
    private readonly NatNetworks _natNetworks;

    /// <summary>
    /// Creates the allocator over <see cref="MediaOptions.PortRange"/> on <see cref="MediaOptions.Address"/> (default: the
    /// SIP address); sessions latch onto a peer whose SDP address is in <paramref name="natNetworks"/> (default <see cref="NatNetworks.Default"/>).
    /// </summary>
    public RtpMediaSessionFactory(MediaOptions media, string sipAddress, TimeProvider time, NatNetworks? natNetworks = null)
    {
        _natNetworks = natNetworks ?? NatNetworks.Default;
        var (first, last) = media.GetPortRange();
        var address = IPAddress.Parse(media.Address ?? sipAddress);
        _ports = new RtpPortAllocator(address, first, last);
        _pacer = new MediaPacer();
        _time = time;
    }

    /// <summary>The shared pacing loop (its counters feed the metrics).</summary>
    public MediaPacer Pacer => _pacer;

    /// <summary>The RTP counters every session of this factory adds to.</summary>
    public MediaCounters Counters => _counters;

    /// <inheritdoc />
    public IMediaReservation Reserve() => new Reservation(new RtpSessionReservation(_ports, _pacer, _time, _counters, _natNetworks));

    /// <summary>Stops the pacing loop.</summary>
    public void Dispose() => _pacer.Dispose();

    private sealed class Reservation(RtpSessionReservation reservation) : IMediaReservation
    {
        public IPEndPoint LocalEndPoint => reservation.LocalEndPoint;

        public IMediaSession Open(NegotiatedMedia media) => reservation.Open(media);

        // Once opened the call owns the session and closes it; before that the reservation frees the port.
        public void Dispose() => reservation.Release();
    }
}

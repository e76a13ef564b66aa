namespace Ivr.Engine.Calls;

/// <summary>
/// The seam between the call layer and the RTP implementation: reserves a local RTP port before offer/answer (its address
/// goes into our SDP), then opens the media session once the stream is negotiated. The socket media plugs in here.
/// </summary>
public interface IMediaSessionFactory
{
    /// <summary>Reserves a local RTP endpoint (and RTCP on the next port); throws when none is free.</summary>
    IMediaReservation Reserve();

    /// <summary>Why this factory can never reserve media (no RTP plugged in), or null when it can; a host refuses to take calls then.</summary>
    string? Unavailable => null;
}

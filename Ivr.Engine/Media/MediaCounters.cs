namespace Ivr.Engine.Media;

/// <summary>
/// Engine-wide RTP counters shared by every <see cref="RtpMediaSession"/>: one interlocked increment per packet, nothing
/// allocated (STYLE.md rule 9). The metrics read them; packets sent and late sends are counted by the <see cref="MediaPacer"/>.
/// </summary>
public sealed class MediaCounters
{
    private long _packetsReceived;
    private long _packetsIgnored;
    private long _dtmfReceived;
    private long _dtmfSent;
    private long _natLatched;
    private long _srtpAuthFailures;
    private long _srtpReplays;

    /// <summary>RTP packets accepted from the expected source.</summary>
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);

    /// <summary>Datagrams dropped: not RTP, RTCP multiplexed on the port, or from an unexpected source.</summary>
    public long PacketsIgnored => Interlocked.Read(ref _packetsIgnored);

    /// <summary>RFC 4733 events received (one per key press).</summary>
    public long DtmfReceived => Interlocked.Read(ref _dtmfReceived);

    /// <summary>RFC 4733 events queued for sending (one per digit).</summary>
    public long DtmfSent => Interlocked.Read(ref _dtmfSent);

    /// <summary>Sessions whose peer sent from another address than its SDP named (behind NAT): answered there since.</summary>
    public long NatLatched => Interlocked.Read(ref _natLatched);

    /// <summary>Counts one accepted RTP packet.</summary>
    public void PacketReceived() => Interlocked.Increment(ref _packetsReceived);

    /// <summary>Counts one dropped datagram.</summary>
    public void PacketIgnored() => Interlocked.Increment(ref _packetsIgnored);

    /// <summary>SRTP packets dropped because their tag did not authenticate (tampered, wrongly keyed, malformed, key expired).</summary>
    public long SrtpAuthenticationFailures => Interlocked.Read(ref _srtpAuthFailures);

    /// <summary>SRTP packets dropped as replays (RFC 3711 §3.3.2).</summary>
    public long SrtpReplays => Interlocked.Read(ref _srtpReplays);

    /// <summary>Counts one SRTP packet that failed authentication.</summary>
    public void SrtpAuthenticationFailed() => Interlocked.Increment(ref _srtpAuthFailures);

    /// <summary>Counts one replayed SRTP packet.</summary>
    public void SrtpReplayed() => Interlocked.Increment(ref _srtpReplays);

    /// <summary>Counts one received key press.</summary>
    public void DigitReceived() => Interlocked.Increment(ref _dtmfReceived);

    /// <summary>Counts one digit sent.</summary>
    public void DigitSent() => Interlocked.Increment(ref _dtmfSent);

    /// <summary>Counts one session that latched onto a source other than its SDP address.</summary>
    public void LatchedBehindNat() => Interlocked.Increment(ref _natLatched);
}

namespace Ivr.Engine.Media;

/// <summary>
/// Turns RFC 4733 telephone-event packets into digits, each reported once: an event is identified by its RTP
/// timestamp (RFC 4733 §2.5.1.1: all packets of one event share the start timestamp), so updates and the
/// retransmitted end packets (§2.5.1.4) are ignored. Durations are never interpreted, so any clock rate works.
/// </summary>
public sealed class DtmfReceiver
{
    // Packets up to this many timestamp units behind the current event are late retransmissions, not new events
    // (about 8 s at 16 kHz); anything further back is a new event from a stream whose timestamps jumped.
    private const int MaxLateUnits = 1 << 17;

    private bool _hasSsrc;
    private uint _ssrc;
    private bool _hasCurrent;
    private uint _currentTimestamp;
    private byte _currentEvent;
    private bool _currentReported;
    private bool _currentEnded;

    /// <summary>Creates a receiver reporting on the first packet of an event by default.</summary>
    public DtmfReceiver(DtmfReportMode mode = DtmfReportMode.OnStart)
    {
        Mode = mode;
    }

    /// <summary>When digits are reported.</summary>
    public DtmfReportMode Mode { get; }

    /// <summary>The last event block seen (duration in the sender's clock units).</summary>
    public TelephoneEvent LastEvent { get; private set; }

    /// <summary>
    /// Processes a parsed RTP packet of the negotiated telephone-event payload type.
    /// Events are tracked per SSRC: a new SSRC starts afresh (RFC 3550 §8.2).
    /// </summary>
    public bool TryProcess(RtpPacket packet, out char digit)
    {
        if (!_hasSsrc || packet.Ssrc != _ssrc)
        {
            Reset();
            _hasSsrc = true;
            _ssrc = packet.Ssrc;
        }

        return TryProcess(packet.Timestamp, packet.Marker, packet.Payload, out digit);
    }

    /// <summary>
    /// Processes one telephone-event payload; true with <paramref name="digit"/> when a digit is to be reported now.
    /// Packets of an event older than the current one (reordered) are ignored.
    /// </summary>
    public bool TryProcess(uint timestamp, bool marker, ReadOnlySpan<byte> payload, out char digit)
    {
        digit = '\0';
        if (!TelephoneEvent.TryParse(payload, out var block))
        {
            return false;
        }

        LastEvent = block;
        var pendingPrevious = '\0';
        if (!_hasCurrent || timestamp != _currentTimestamp)
        {
            var age = unchecked((int)(_currentTimestamp - timestamp));
            if (_hasCurrent && age is > 0 and < MaxLateUnits)
            {
                // A late packet of an event we have moved past.
                return false;
            }

            if (_hasCurrent && !_currentEnded && !marker && block.Event == _currentEvent)
            {
                // RFC 4733 §2.5.1.3: a long event continues in a new segment with a new timestamp and no marker.
                _currentTimestamp = timestamp;
                _currentEnded = block.End;
                return false;
            }

            if (_hasCurrent && !_currentReported && Mode == DtmfReportMode.OnEnd
                && TelephoneEvent.TryGetDigit(_currentEvent, out var previous))
            {
                // Every end packet of the previous event was lost: report it now rather than never.
                pendingPrevious = previous;
            }

            _hasCurrent = true;
            _currentTimestamp = timestamp;
            _currentEvent = block.Event;
            _currentReported = false;
            _currentEnded = false;
        }

        _currentEnded |= block.End;
        if (pendingPrevious != '\0')
        {
            digit = pendingPrevious;
            return true;
        }

        if (_currentReported || (Mode == DtmfReportMode.OnEnd && !block.End))
        {
            return false;
        }

        _currentReported = true;
        return TelephoneEvent.TryGetDigit(block.Event, out digit);
    }

    /// <summary>Forgets the current event, e.g. when the remote SSRC changes.</summary>
    public void Reset()
    {
        _hasCurrent = false;
        _currentReported = false;
        _currentEnded = false;
    }
}

namespace Ivr.Engine.Media;

/// <summary>
/// Receive-side statistics of one RTP source: sequence validation with wrap-around, expected and lost counts
/// (RFC 3550 Appendix A.1, A.3) and interarrival jitter (RFC 3550 §6.4.1, Appendix A.8).
/// </summary>
public sealed class RtpReceiverStats
{
    private const int SequenceModulus = 1 << 16;
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;

    private readonly int _minSequential;
    private bool _started;
    private int _probation;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private uint _badSequence;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private bool _haveTransit;
    private int _lastTransit;
    private long _jitterScaled;

    /// <summary>
    /// Creates statistics for a new source; <paramref name="minSequential"/> in-order packets are required before the
    /// source is considered valid (RFC 3550 A.1 uses 2; 1 accepts the first packet).
    /// </summary>
    public RtpReceiverStats(int minSequential = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minSequential);
        _minSequential = minSequential;
    }

    /// <summary>Packets accepted (duplicates included, as RFC 3550 A.3 counts them).</summary>
    public long Received => _received;

    /// <summary>Extended highest sequence number received: cycles in the high 16 bits (RFC 3550 §6.4.1).</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Packets expected from the first valid sequence number to the highest (RFC 3550 A.3).</summary>
    public long Expected => _started && _probation == 0 ? (long)ExtendedHighestSequence - _baseSequence + 1 : 0;

    /// <summary>Cumulative packets lost; negative when duplicates outnumber losses (RFC 3550 A.3).</summary>
    public long Lost => Expected - _received;

    /// <summary>Interarrival jitter in timestamp units (RFC 3550 A.8).</summary>
    public uint Jitter => (uint)(_jitterScaled >> 4);

    /// <summary>
    /// Updates sequence tracking and jitter for one packet; returns false when the packet is not (yet) valid per
    /// RFC 3550 A.1 (source on probation, or a large jump not yet confirmed by a second packet).
    /// </summary>
    public bool Update(ushort sequenceNumber, uint rtpTimestamp, uint arrivalTimestamp)
    {
        var valid = UpdateSequence(sequenceNumber);
        if (valid)
        {
            UpdateJitter(rtpTimestamp, arrivalTimestamp);
        }

        return valid;
    }

    /// <summary>Sequence-number bookkeeping of RFC 3550 A.1; returns false for a packet that is not valid yet.</summary>
    public bool UpdateSequence(ushort sequenceNumber)
    {
        if (!_started)
        {
            _started = true;
            if (_minSequential == 1)
            {
                Restart(sequenceNumber);
                _received++;
                return true;
            }

            _maxSequence = unchecked((ushort)(sequenceNumber - 1));
            _probation = _minSequential;
        }

        var delta = unchecked((ushort)(sequenceNumber - _maxSequence));
        if (_probation > 0)
        {
            // A new source needs MIN_SEQUENTIAL packets in sequence before it is believed.
            if (sequenceNumber == unchecked((ushort)(_maxSequence + 1)))
            {
                _probation--;
                _maxSequence = sequenceNumber;
                if (_probation == 0)
                {
                    Restart(sequenceNumber);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = _minSequential - 1;
                _maxSequence = sequenceNumber;
            }

            return false;
        }

        if (delta < MaxDropout)
        {
            // In order, possibly with a gap; a smaller number means the 16-bit counter wrapped.
            if (sequenceNumber < _maxSequence)
            {
                _cycles += SequenceModulus;
            }

            _maxSequence = sequenceNumber;
        }
        else if (delta <= SequenceModulus - MaxMisorder)
        {
            // A very large jump: believe it only if the next packet follows it (the peer restarted).
            if (sequenceNumber == _badSequence)
            {
                Restart(sequenceNumber);
            }
            else
            {
                _badSequence = (uint)((sequenceNumber + 1) & (SequenceModulus - 1));
                return false;
            }
        }

        // Otherwise a duplicate or a packet reordered within MaxMisorder: counted, state unchanged.
        _received++;
        return true;
    }

    /// <summary>
    /// Interarrival jitter estimator of RFC 3550 A.8: J += (|D(i-1,i)| - J) / 16, with both times in the payload's
    /// clock units (the caller converts its monotonic arrival clock).
    /// </summary>
    public void UpdateJitter(uint rtpTimestamp, uint arrivalTimestamp)
    {
        var transit = unchecked((int)(arrivalTimestamp - rtpTimestamp));
        if (_haveTransit)
        {
            var d = Math.Abs((long)unchecked(transit - _lastTransit));
            _jitterScaled += d - ((_jitterScaled + 8) >> 4);
        }

        _haveTransit = true;
        _lastTransit = transit;
    }

    /// <summary>
    /// Fraction of packets lost since the previous call, as the 8-bit fixed-point value of an RTCP report block
    /// (RFC 3550 §6.4.1, A.3); 0 when nothing was lost or duplicates outnumber losses.
    /// </summary>
    public byte TakeFractionLost()
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        var lostInterval = expectedInterval - receivedInterval;
        return expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)((lostInterval << 8) / expectedInterval);
    }

    private void Restart(ushort sequenceNumber)
    {
        _baseSequence = sequenceNumber;
        _maxSequence = sequenceNumber;
        _badSequence = SequenceModulus + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }
}

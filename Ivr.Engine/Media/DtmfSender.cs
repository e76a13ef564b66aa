namespace Ivr.Engine.Media;

/// <summary>
/// Produces the RFC 4733 packet sequence for one digit on an existing RTP stream: a first packet with the
/// marker bit (§2.5.1.2), updates every 50 ms with the growing duration, and the end packet sent three times
/// (§2.5.1.4), all with the event's start timestamp and consecutive sequence numbers.
/// </summary>
public sealed class DtmfSender
{
    /// <summary>Interval between update packets (RFC 4733 §2.5.1.2 recommends 50 ms).</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How many times the final packet is sent (RFC 4733 §2.5.1.4).</summary>
    public const int EndRepetitions = 3;

    private readonly RtpSender _rtp;

    /// <summary>Creates a sender writing events at <paramref name="payloadType"/> on <paramref name="rtp"/>'s stream.</summary>
    public DtmfSender(RtpSender rtp, int payloadType, int clockRate = 8000, byte volume = 10)
    {
        ArgumentNullException.ThrowIfNull(rtp);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(volume, (byte)63);
        _rtp = rtp;
        PayloadType = payloadType;
        ClockRate = clockRate;
        Volume = volume;
    }

    /// <summary>Negotiated telephone-event payload type.</summary>
    public int PayloadType { get; }

    /// <summary>Clock of the telephone-event format (RFC 4733 §2.5.1.1; 8000 unless negotiated otherwise).</summary>
    public int ClockRate { get; }

    /// <summary>Tone power in -dBm0 (RFC 4733 §2.3.3).</summary>
    public byte Volume { get; }

    /// <summary>
    /// Plans the packets for <paramref name="digit"/> lasting <paramref name="duration"/>, starting at the stream's
    /// current timestamp. The caller sends each at its offset, then advances the audio clock over the event
    /// (<see cref="RtpSender.Skip(int)"/>) if audio was held back meanwhile.
    /// </summary>
    public IReadOnlyList<DtmfPacket> Plan(char digit, TimeSpan duration)
    {
        if (!TelephoneEvent.TryGetEventCode(digit, out var code))
        {
            throw new ArgumentException($"'{digit}' is not a DTMF digit (0-9, *, #, A-D).", nameof(digit));
        }

        // The duration field is 16 bits (RFC 4733 §2.3.5); longer events would need segments, never needed for DTMF.
        var totalUnits = Math.Clamp((long)(duration.TotalSeconds * ClockRate), 1, ushort.MaxValue);
        var total = TimeSpan.FromSeconds((double)totalUnits / ClockRate);
        var start = _rtp.Timestamp;
        var packets = new List<DtmfPacket>();
        for (var offset = TimeSpan.Zero; offset < total; offset += UpdateInterval)
        {
            // Each report carries the duration up to the end of the interval it opens (never zero).
            var units = (ushort)Math.Min(totalUnits, (long)((offset + UpdateInterval).TotalSeconds * ClockRate));
            packets.Add(new DtmfPacket(offset, offset == TimeSpan.Zero, start, new TelephoneEvent(code, false, Volume, units)));
        }

        var end = new TelephoneEvent(code, true, Volume, (ushort)totalUnits);
        for (var i = 0; i < EndRepetitions; i++)
        {
            packets.Add(new DtmfPacket(total, false, start, end));
        }

        return packets;
    }

    /// <summary>Writes one planned packet (next sequence number of the stream) into <paramref name="destination"/>; returns its length.</summary>
    public int Write(Span<byte> destination, in DtmfPacket packet)
    {
        Span<byte> payload = stackalloc byte[TelephoneEvent.Size];
        packet.Event.WriteTo(payload);
        return _rtp.Write(destination, packet.Marker, PayloadType, packet.Timestamp, payload);
    }
}

using System.Security.Cryptography;

namespace Ivr.Engine.Media;

/// <summary>
/// The sending half of one RTP stream (RFC 3550 §5.1): random SSRC, initial sequence number and timestamp,
/// timestamps advanced by samples sent, and the marker bit on the first packet of each talk spurt (RFC 3551 §4.1).
/// </summary>
public sealed class RtpSender
{
    private bool _markerPending = true;

    /// <summary>Starts a stream with random SSRC, sequence number and timestamp (RFC 3550 §5.1, §8).</summary>
    public RtpSender(int payloadType)
        : this(payloadType, RandomUInt32(), (ushort)RandomUInt32(), RandomUInt32())
    {
    }

    /// <summary>Starts a stream with explicit initial values (tests, or continuing a stream).</summary>
    public RtpSender(int payloadType, uint ssrc, ushort sequenceNumber, uint timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        PayloadType = payloadType;
        Ssrc = ssrc;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
    }

    /// <summary>Payload type of audio packets.</summary>
    public int PayloadType { get; }

    /// <summary>Synchronisation source identifier of this stream.</summary>
    public uint Ssrc { get; }

    /// <summary>Sequence number the next packet will carry.</summary>
    public ushort SequenceNumber { get; private set; }

    /// <summary>Timestamp (8 kHz clock for G.711) of the next audio sample to send.</summary>
    public uint Timestamp { get; private set; }

    /// <summary>Packets written so far (for RTCP sender reports, RFC 3550 §6.4.1).</summary>
    public uint PacketCount { get; private set; }

    /// <summary>Payload octets written so far (for RTCP sender reports, RFC 3550 §6.4.1).</summary>
    public uint OctetCount { get; private set; }

    /// <summary>Makes the next audio packet start a talk spurt (marker bit set), e.g. when a new prompt begins.</summary>
    public void StartTalkSpurt() => _markerPending = true;

    /// <summary>
    /// Advances the timestamp over <paramref name="sampleCount"/> samples not sent (silence suppressed or an event
    /// in progress); the next audio packet then starts a new talk spurt (RFC 3551 §4.1).
    /// </summary>
    public void Skip(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        Timestamp = unchecked(Timestamp + (uint)sampleCount);
        _markerPending = true;
    }

    /// <summary>
    /// Writes header and <paramref name="payload"/> into <paramref name="destination"/> (returns the packet length),
    /// then advances the sequence number by one and the timestamp by <paramref name="sampleCount"/>.
    /// </summary>
    public int WriteAudio(Span<byte> destination, ReadOnlySpan<byte> payload, int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        var length = Write(destination, _markerPending, PayloadType, Timestamp, payload);
        _markerPending = false;
        Timestamp = unchecked(Timestamp + (uint)sampleCount);
        return length;
    }

    /// <summary>
    /// Encodes <paramref name="pcm"/> with <paramref name="codec"/> straight into the packet after the header
    /// (one G.711 byte per sample), then advances as <see cref="WriteAudio(Span{byte}, ReadOnlySpan{byte}, int)"/>.
    /// </summary>
    public int WriteAudio(Span<byte> destination, AudioCodec codec, ReadOnlySpan<short> pcm)
    {
        var length = RtpPacket.FixedHeaderSize + pcm.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination needs {length} bytes.", nameof(destination));
        }

        G711.Encode(codec, pcm, destination[RtpPacket.FixedHeaderSize..]);
        RtpPacket.WriteHeader(destination, _markerPending, PayloadType, SequenceNumber, Timestamp, Ssrc);
        Advance(pcm.Length);
        _markerPending = false;
        Timestamp = unchecked(Timestamp + (uint)pcm.Length);
        return length;
    }

    /// <summary>
    /// Writes a packet with an explicit payload type, marker and timestamp (RFC 4733 events keep their start
    /// timestamp); advances only the sequence number. Returns the packet length.
    /// </summary>
    public int Write(Span<byte> destination, bool marker, int payloadType, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var length = RtpPacket.FixedHeaderSize + payload.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination needs {length} bytes.", nameof(destination));
        }

        RtpPacket.WriteHeader(destination, marker, payloadType, SequenceNumber, timestamp, Ssrc);
        payload.CopyTo(destination[RtpPacket.FixedHeaderSize..]);
        Advance(payload.Length);
        return length;
    }

    private void Advance(int payloadLength)
    {
        SequenceNumber = unchecked((ushort)(SequenceNumber + 1));
        PacketCount = unchecked(PacketCount + 1);
        OctetCount = unchecked(OctetCount + (uint)payloadLength);
    }

    private static uint RandomUInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt32(bytes);
    }
}

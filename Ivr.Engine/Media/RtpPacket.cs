using System.Buffers.Binary;

namespace Ivr.Engine.Media;

/// <summary>
/// A view over one RTP packet (RFC 3550 §5.1): header fields parsed in place, payload sliced without copying.
/// </summary>
public readonly ref struct RtpPacket
{
    /// <summary>Size of the fixed header without CSRCs or extension (RFC 3550 §5.1).</summary>
    public const int FixedHeaderSize = 12;

    /// <summary>The only RTP version defined (RFC 3550 §5.1: V = 2).</summary>
    public const int RtpVersion = 2;

    private readonly ReadOnlySpan<byte> _packet;

    private RtpPacket(ReadOnlySpan<byte> packet, int headerLength, int payloadLength, int extensionOffset, int extensionLength)
    {
        _packet = packet;
        HeaderLength = headerLength;
        Payload = packet.Slice(headerLength, payloadLength);
        ExtensionData = extensionLength > 0 ? packet.Slice(extensionOffset, extensionLength) : default;
    }

    /// <summary>Version field; always 2 for a parsed packet.</summary>
    public int Version => _packet[0] >> 6;

    /// <summary>P bit: the payload is followed by padding whose length is the last byte (RFC 3550 §5.1).</summary>
    public bool HasPadding => (_packet[0] & 0x20) != 0;

    /// <summary>X bit: one header extension follows the CSRC list (RFC 3550 §5.3.1).</summary>
    public bool HasExtension => (_packet[0] & 0x10) != 0;

    /// <summary>CC: number of CSRC identifiers (RFC 3550 §5.1).</summary>
    public int CsrcCount => _packet[0] & 0x0F;

    /// <summary>M bit: for audio, the first packet of a talk spurt (RFC 3551 §4.1); for RFC 4733 the start of an event.</summary>
    public bool Marker => (_packet[1] & 0x80) != 0;

    /// <summary>PT: payload type (RFC 3550 §5.1).</summary>
    public int PayloadType => _packet[1] & 0x7F;

    /// <summary>Sequence number (RFC 3550 §5.1).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_packet[2..]);

    /// <summary>Timestamp in the payload's clock (RFC 3550 §5.1).</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);

    /// <summary>Synchronisation source (RFC 3550 §5.1).</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);

    /// <summary>Total header length: fixed part, CSRCs and extension.</summary>
    public int HeaderLength { get; }

    /// <summary>The payload, without padding.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Profile-defined 16 bits of the header extension (RFC 3550 §5.3.1), 0 when absent.</summary>
    public ushort ExtensionProfile => HasExtension
        ? BinaryPrimitives.ReadUInt16BigEndian(_packet[(FixedHeaderSize + (4 * CsrcCount))..])
        : (ushort)0;

    /// <summary>Header extension body (RFC 3550 §5.3.1), empty when absent.</summary>
    public ReadOnlySpan<byte> ExtensionData { get; }

    /// <summary>The CSRC at <paramref name="index"/> (0 ≤ index &lt; <see cref="CsrcCount"/>).</summary>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_packet[(FixedHeaderSize + (4 * index))..]);
    }

    /// <summary>
    /// Parses <paramref name="packet"/>; false when it is not a well-formed RTP version 2 packet (too short, wrong
    /// version, CSRC list, extension or padding running past the end) — RFC 3550 §5.1 and A.1's validity checks.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpPacket result)
    {
        result = default;
        if (!TryGetHeaderLength(packet, out var header))
        {
            return false;
        }

        var extensionOffset = 0;
        var extensionLength = 0;
        if ((packet[0] & 0x10) != 0)
        {
            extensionOffset = FixedHeaderSize + (4 * (packet[0] & 0x0F)) + 4;
            extensionLength = header - extensionOffset;
        }

        var end = packet.Length;
        if ((packet[0] & 0x20) != 0)
        {
            // RFC 3550 §5.1: the last octet counts the padding, itself included; zero is invalid.
            int padding = packet[^1];
            if (padding == 0 || header + padding > end)
            {
                return false;
            }

            end -= padding;
        }

        result = new RtpPacket(packet, header, end - header, extensionOffset, extensionLength);
        return true;
    }

    /// <summary>
    /// The header length of <paramref name="packet"/>: fixed part, CSRC list and header extension (RFC 3550 §5.1, §5.3.1);
    /// false when it is not RTP version 2 or the header runs past the end. Padding is not looked at (under SRTP it is
    /// encrypted, RFC 3711 §3.1).
    /// </summary>
    public static bool TryGetHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < FixedHeaderSize || (packet[0] >> 6) != RtpVersion)
        {
            return false;
        }

        var length = FixedHeaderSize + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            // RFC 3550 §5.3.1: the length counts 32-bit words after the 4-byte extension header.
            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        if (packet.Length < length)
        {
            return false;
        }

        headerLength = length;
        return true;
    }

    /// <summary>
    /// Writes a 12-byte header (V=2, no padding, extension or CSRCs) into <paramref name="destination"/>; returns 12.
    /// </summary>
    public static int WriteHeader(Span<byte> destination, bool marker, int payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        if (destination.Length < FixedHeaderSize)
        {
            throw new ArgumentException("Destination is shorter than an RTP header.", nameof(destination));
        }

        if ((uint)payloadType > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadType), payloadType, "Payload type is 7 bits.");
        }

        destination[0] = RtpVersion << 6;
        destination[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        return FixedHeaderSize;
    }
}

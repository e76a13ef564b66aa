using System.Buffers.Binary;

namespace Ivr.Tests.Media;

/// <summary>Just enough libpcap to get UDP payloads out of captures: global header, records, Ethernet/IPv4/UDP.</summary>
internal static class PcapReader
{
    private const uint MagicMicroseconds = 0xA1B2C3D4;
    private const uint MagicNanoseconds = 0xA1B23C4D;
    private const int LinkTypeEthernet = 1;
    private const int LinkTypeLinuxCooked = 113;

    public static IReadOnlyList<UdpDatagram> ReadUdp(string path)
    {
        var file = File.ReadAllBytes(path);
        if (file.Length < 24)
        {
            throw new InvalidDataException($"{path}: shorter than a pcap global header.");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        var littleEndian = magic is MagicMicroseconds or MagicNanoseconds;
        if (!littleEndian && BinaryPrimitives.ReadUInt32BigEndian(file) is not (MagicMicroseconds or MagicNanoseconds))
        {
            throw new InvalidDataException($"{path}: not a pcap file (magic 0x{magic:X8}).");
        }

        uint U32(int offset) => littleEndian
            ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset))
            : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset));

        var linkType = (int)U32(20);
        var datagrams = new List<UdpDatagram>();
        var offset = 24;
        while (offset + 16 <= file.Length)
        {
            var seconds = U32(offset);
            var fraction = U32(offset + 4);
            var captured = (int)U32(offset + 8);
            var frame = file.AsSpan(offset + 16, Math.Min(captured, file.Length - offset - 16));
            offset += 16 + captured;

            var micros = (seconds * 1_000_000L) + (magic == MagicNanoseconds ? fraction / 1000 : fraction);
            if (TryGetUdp(frame, linkType, out var source, out var destination, out var payload))
            {
                datagrams.Add(new UdpDatagram(micros, source, destination, payload.ToArray()));
            }
        }

        return datagrams;
    }

    private static bool TryGetUdp(ReadOnlySpan<byte> frame, int linkType, out int sourcePort, out int destinationPort, out ReadOnlySpan<byte> payload)
    {
        sourcePort = destinationPort = 0;
        payload = default;
        int etherType;
        switch (linkType)
        {
            case LinkTypeEthernet when frame.Length >= 14:
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
                frame = frame[14..];
                if (etherType == 0x8100 && frame.Length >= 4)
                {
                    etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
                    frame = frame[4..];
                }

                break;
            case LinkTypeLinuxCooked when frame.Length >= 16:
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
                frame = frame[16..];
                break;
            default:
                return false;
        }

        if (etherType != 0x0800 || frame.Length < 20 || (frame[0] >> 4) != 4)
        {
            return false;
        }

        var ipHeader = (frame[0] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
        if (frame[9] != 17 || totalLength > frame.Length || ipHeader + 8 > totalLength)
        {
            return false;
        }

        var udp = frame[ipHeader..totalLength];
        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        if (udpLength < 8 || udpLength > udp.Length)
        {
            return false;
        }

        sourcePort = BinaryPrimitives.ReadUInt16BigEndian(udp);
        destinationPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
        payload = udp[8..udpLength];
        return true;
    }
}

internal sealed record UdpDatagram(long TimestampMicros, int SourcePort, int DestinationPort, byte[] Payload);

using System.Buffers.Binary;
using Ivr.Engine.Media;

namespace Ivr.Fuzz.Targets;

/// <summary>
/// RTP and RFC 4733: the input is a stream of packets, each a 2-byte big-endian length then that many bytes (the last
/// takes what remains). Each packet goes through <see cref="RtpPacket.TryParse"/>; telephone-event packets (PT 101) feed one
/// <see cref="DtmfReceiver"/> per report mode, audio packets the <see cref="RtpReceiverStats"/> and the G.711 decoder.
/// </summary>
public static class RtpTarget
{
    private const int TelephoneEventPayloadType = 101;

    /// <summary>Runs one input.</summary>
    public static void Run(byte[] input)
    {
        var onStart = new DtmfReceiver(DtmfReportMode.OnStart);
        var onEnd = new DtmfReceiver(DtmfReportMode.OnEnd);
        var stats = new RtpReceiverStats();
        Span<short> pcm = stackalloc short[2048];
        var rest = input.AsSpan();
        uint arrival = 0;
        while (rest.Length > 0)
        {
            ReadOnlySpan<byte> datagram;
            if (rest.Length >= 2)
            {
                var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(rest), rest.Length - 2);
                datagram = rest.Slice(2, length);
                rest = rest[(2 + length)..];
            }
            else
            {
                datagram = rest;
                rest = default;
            }

            arrival += 160;
            Packet(datagram, onStart, onEnd, stats, arrival, pcm);
        }

        FuzzInvariantException.Check(stats.Received >= 0 && stats.Expected >= 0, "receiver counts are never negative");
    }

    private static void Packet(ReadOnlySpan<byte> datagram, DtmfReceiver onStart, DtmfReceiver onEnd, RtpReceiverStats stats, uint arrival, Span<short> pcm)
    {
        if (!RtpPacket.TryParse(datagram, out var packet)) return;

        // RFC 3550 §5.1: header, payload and padding fit the datagram.
        FuzzInvariantException.Check(packet.Version == RtpPacket.RtpVersion, "a parsed packet is version 2");
        FuzzInvariantException.Check(packet.HeaderLength >= RtpPacket.FixedHeaderSize + (4 * packet.CsrcCount), "the header holds the CSRC list");
        FuzzInvariantException.Check(packet.HeaderLength + packet.Payload.Length <= datagram.Length, "header and payload fit the datagram");
        for (var i = 0; i < packet.CsrcCount; i++) _ = packet.GetCsrc(i);
        if (packet.HasExtension)
        {
            _ = packet.ExtensionProfile;
            FuzzInvariantException.Check(packet.ExtensionData.Length % 4 == 0, "extension data is whole 32-bit words");
        }

        if (packet.PayloadType == TelephoneEventPayloadType)
        {
            Event(packet, onStart);
            Event(packet, onEnd);
            return;
        }

        stats.Update(packet.SequenceNumber, packet.Timestamp, arrival);
        var payload = packet.Payload[..Math.Min(packet.Payload.Length, pcm.Length)];
        var decoded = packet.PayloadType == 8 ? G711.DecodeALaw(payload, pcm) : G711.DecodeMuLaw(payload, pcm);
        FuzzInvariantException.Check(decoded == payload.Length, "G.711 decodes one sample per byte");
    }

    private static void Event(RtpPacket packet, DtmfReceiver receiver)
    {
        if (receiver.TryProcess(packet, out var digit))
        {
            FuzzInvariantException.Check(TelephoneEvent.TryGetEventCode(digit, out _), "a reported digit is a DTMF digit");
        }

        if (TelephoneEvent.TryParse(packet.Payload, out var block))
        {
            // RFC 4733 §2.3: write → parse keeps every field we read.
            Span<byte> written = stackalloc byte[TelephoneEvent.Size];
            block.WriteTo(written);
            FuzzInvariantException.Check(TelephoneEvent.TryParse(written, out var again) && again == block, "a telephone-event block round-trips");
        }
    }
}

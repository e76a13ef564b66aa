namespace Ivr.Engine.Media;

/// <summary>
/// What offer/answer settled for one audio stream: the G.711 codec and its payload type, the packet time we send,
/// and the telephone-event payload type (RFC 4733 §7.1.1) when DTMF was negotiated.
/// </summary>
public sealed record MediaFormat(AudioCodec Codec, int PayloadType, int PacketTimeMs, int? DtmfPayloadType)
{
    /// <summary>G.711 clock rate (RFC 3551 §4.5.14).</summary>
    public const int ClockRate = 8000;

    /// <summary>Samples (and, for G.711, payload bytes) per packet.</summary>
    public int SamplesPerPacket => ClockRate * PacketTimeMs / 1000;

    /// <summary>PCMU at PT 0, 20 ms, telephone-event at 101: what <see cref="SdpNegotiator.CreateOffer"/> proposes first.</summary>
    public static MediaFormat Default { get; } = new(AudioCodec.Pcmu, 0, 20, 101);
}

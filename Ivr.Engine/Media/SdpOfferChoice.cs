using System.Diagnostics.CodeAnalysis;

namespace Ivr.Engine.Media;

/// <summary>
/// The audio stream chosen from an SDP offer before any local port exists (RFC 3264 §6): which m-line is accepted and what
/// it negotiates to, or why none is acceptable (488). <see cref="SdpNegotiator.WriteAnswer"/> writes the answer from it.
/// </summary>
public sealed record SdpOfferChoice
{
    private SdpOfferChoice(SdpSession offer, int streamIndex, NegotiatedMedia? media, string? reason)
    {
        Offer = offer;
        StreamIndex = streamIndex;
        Media = media;
        Reason = reason;
    }

    /// <summary>The offer the choice was made from (its m-lines are mirrored in the answer, RFC 3264 §6).</summary>
    public SdpSession Offer { get; }

    /// <summary>The index of the accepted m-line in <see cref="Offer"/>; -1 when none is acceptable.</summary>
    public int StreamIndex { get; }

    /// <summary>True when an audio stream is acceptable.</summary>
    [MemberNotNullWhen(true, nameof(Media))]
    [MemberNotNullWhen(false, nameof(Reason))]
    public bool IsSuccess => Media is not null;

    /// <summary>What the accepted stream negotiates to: format, the offerer's RTP/RTCP addresses and our direction (RFC 3264 §6.1).</summary>
    public NegotiatedMedia? Media { get; }

    /// <summary>200 when acceptable; 488 Not Acceptable Here otherwise (RFC 3261 §21.4.26).</summary>
    public int StatusCode => IsSuccess ? 200 : SdpNegotiationResult.NotAcceptableHere;

    /// <summary>Why no stream is acceptable (for the Warning header and logs).</summary>
    public string? Reason { get; }

    internal static SdpOfferChoice Accepted(SdpSession offer, int streamIndex, NegotiatedMedia media) => new(offer, streamIndex, media, null);

    internal static SdpOfferChoice Rejected(SdpSession offer, string reason) => new(offer, -1, null, reason);
}

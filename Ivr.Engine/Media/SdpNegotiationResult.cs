using System.Diagnostics.CodeAnalysis;

namespace Ivr.Engine.Media;

/// <summary>
/// Result of <see cref="SdpNegotiator.Answer"/> or <see cref="SdpNegotiator.ProcessAnswer"/>: the negotiated media
/// (and, for an answer, the SDP to send), or a failure carrying the SIP status to use — 488 Not Acceptable Here
/// (RFC 3261 §21.4.26) — and why.
/// </summary>
public sealed record SdpNegotiationResult
{
    private SdpNegotiationResult(SdpSession? answer, NegotiatedMedia? media, int statusCode, string? reason)
    {
        Answer = answer;
        Media = media;
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>SIP status for a failed negotiation (RFC 3261 §21.4.26).</summary>
    public const int NotAcceptableHere = 488;

    /// <summary>True when a usable audio stream was agreed.</summary>
    [MemberNotNullWhen(true, nameof(Media))]
    [MemberNotNullWhen(false, nameof(Reason))]
    public bool IsSuccess => Media is not null;

    /// <summary>The answer SDP to send (only from <see cref="SdpNegotiator.Answer"/>).</summary>
    public SdpSession? Answer { get; }

    /// <summary>The agreed audio stream.</summary>
    public NegotiatedMedia? Media { get; }

    /// <summary>200 on success; 488 on failure.</summary>
    public int StatusCode { get; }

    /// <summary>Why negotiation failed (for the Warning header and logs).</summary>
    public string? Reason { get; }

    /// <summary>A successful negotiation.</summary>
    public static SdpNegotiationResult Success(NegotiatedMedia media, SdpSession? answer = null)
    {
        ArgumentNullException.ThrowIfNull(media);
        return new SdpNegotiationResult(answer, media, 200, null);
    }

    /// <summary>A failed negotiation, answered with 488.</summary>
    public static SdpNegotiationResult Failure(string reason) =>
        new(null, null, NotAcceptableHere, reason);
}

using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Calls.Legs;

/// <summary>How ringing out ended: the answered leg, or why there is none.</summary>
/// <param name="Status">How the INVITE ended.</param>
/// <param name="StatusCode">The final SIP status (200 when answered; 408 for a ring timeout; 0 when nothing was sent).</param>
/// <param name="Leg">The answered leg with its media started, when answered.</param>
/// <param name="Problem">Why the leg failed before or after the INVITE (unusable SDP, no SIP stack), if it did.</param>
public sealed record RingOutResult(OutboundCallStatus Status, int StatusCode, OutboundLeg? Leg, string? Problem = null)
{
    /// <summary>Answered, with media running.</summary>
    public bool IsUp => Leg is not null;

    /// <summary>
    /// Ties the answered leg to its owner's <paramref name="owner"/> token: once that is cancelled (the owner gave up or
    /// stopped, possibly before it read this result) the leg is hung up. Returns this result.
    /// </summary>
    public RingOutResult HangUpWhenCancelled(CancellationToken owner)
    {
        if (Leg is { } leg) owner.Register(() => _ = leg.HangupAsync(CancellationToken.None));
        return this;
    }

    /// <summary>A failure before anything was answered (<paramref name="problem"/> says why).</summary>
    public static RingOutResult Failed(string problem, int statusCode = 0) => new(OutboundCallStatus.Rejected, statusCode, null, problem);
}

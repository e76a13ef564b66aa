using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Calls;

/// <summary>A call leg the engine placed (an agent, a callback customer): how the INVITE ended and, when answered, its dialog and started media.</summary>
/// <param name="Status">How the INVITE ended.</param>
/// <param name="StatusCode">The final SIP status (200 when answered; 408 for a ring timeout; 0 when nothing was sent).</param>
/// <param name="Call">The dialog, when answered.</param>
/// <param name="Media">The started media session, when answered.</param>
/// <param name="Problem">Why the leg failed before or after the INVITE (unusable SDP, no SIP stack), if it did.</param>
public sealed record OutboundLeg(OutboundCallStatus Status, int StatusCode, IOutboundCall? Call, IMediaSession? Media, string? Problem = null)
{
    /// <summary>Answered, with media running.</summary>
    public bool IsUp => Status == OutboundCallStatus.Answered && Call is not null && Media is not null;
}

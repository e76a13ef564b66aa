using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>What <see cref="CallAdmission.Decide"/> concluded for one INVITE: take the call on a flow, or reject it.</summary>
public sealed record Admission
{
    /// <summary>True when the call is taken.</summary>
    public bool IsAccepted => Flow is not null;

    /// <summary>The final status for a rejected call (404, 480, 488, 503).</summary>
    public int StatusCode { get; init; }

    /// <summary>Headers to send with the rejection (Retry-After, Warning).</summary>
    public IReadOnlyList<SipHeader> Headers { get; init; } = [];

    /// <summary>Why, for logs.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>The flow the call runs (the version current at admission).</summary>
    public CompiledFlow? Flow { get; init; }

    /// <summary>The stream chosen from the SDP offer; the answer is written from it once a media port is reserved.</summary>
    public SdpOfferChoice? Sdp { get; init; }

    /// <summary>What the offer negotiates to (the RTP address is the caller's; our direction).</summary>
    public NegotiatedMedia? Media => Sdp?.Media;

    /// <summary>True when the answer carries SDES keys over signalling that is not TLS and the setting says to warn.</summary>
    public bool KeysOverPlainSignalling { get; init; }

    /// <summary>The caller's data for the flow's built-in variables.</summary>
    public CallInfo? Call { get; init; }

    /// <summary>A rejection.</summary>
    public static Admission Reject(int statusCode, string reason, params SipHeader[] headers) =>
        new() { StatusCode = statusCode, Reason = reason, Headers = headers };
}

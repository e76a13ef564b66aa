using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>Everything one <see cref="CallActor"/> starts with.</summary>
/// <param name="Session">The INVITE and its dialog.</param>
/// <param name="Media">The media session on the reserved port (not started).</param>
/// <param name="Negotiated">What offer/answer agreed.</param>
/// <param name="SdpAnswer">The SDP to send in the 200 OK.</param>
/// <param name="Flow">The flow version the call runs until it ends.</param>
/// <param name="Call">Caller data for the flow.</param>
/// <param name="Services">Shared services.</param>
public sealed record CallSetup(
    IInviteSession Session,
    IMediaSession Media,
    NegotiatedMedia Negotiated,
    string SdpAnswer,
    CompiledFlow Flow,
    CallInfo Call,
    CallServices Services);

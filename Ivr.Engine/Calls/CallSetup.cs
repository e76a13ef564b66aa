using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>Everything one <see cref="CallActor"/> starts with.</summary>
/// <param name="Session">The INVITE and its dialog (null for a call that did not come over SIP: see <see cref="OpenLeg"/>).</param>
/// <param name="Media">The media session on the reserved port (not started).</param>
/// <param name="Negotiated">What offer/answer agreed.</param>
/// <param name="SdpAnswer">The SDP to send in the 200 OK.</param>
/// <param name="Flow">The flow version the call runs until it ends.</param>
/// <param name="Call">Caller data for the flow.</param>
/// <param name="Services">Shared services.</param>
public sealed record CallSetup(
    IInviteSession? Session,
    IMediaSession Media,
    NegotiatedMedia Negotiated,
    string SdpAnswer,
    CompiledFlow Flow,
    CallInfo Call,
    CallServices Services)
{
    /// <summary>Opens the caller's leg of a call that did not come over SIP (an Asterisk channel); null for SIP calls.</summary>
    public Func<ILogger, IInboundLeg>? LegFactory { get; init; }

    /// <summary>The setup of a call on <paramref name="leg"/>, which carries no audio to the engine (an Asterisk channel over FastAGI).</summary>
    public static CallSetup WithoutAudio(Func<ILogger, IInboundLeg> leg, CompiledFlow flow, CallInfo call, CallServices services)
    {
        ArgumentNullException.ThrowIfNull(leg);
        return new CallSetup(null, new NoAudioSession(), NoAudioSession.Negotiated, string.Empty, flow, call, services) { LegFactory = leg };
    }

    /// <summary>Opens the caller's leg: the factory's, else the SIP leg of <see cref="Session"/> on <see cref="Media"/>.</summary>
    public IInboundLeg OpenLeg(ILogger log)
    {
        if (LegFactory is { } factory) return factory(log);
        return new InboundLeg(Session ?? throw new InvalidOperationException("A SIP call's setup needs its INVITE session."), Media, log);
    }
}

using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>Hook for agent registration (RFC 3261 §10); without one the stack answers REGISTER with 501.</summary>
public interface ISipRegistrar
{
    /// <summary>Answers a validated REGISTER that came from <paramref name="remote"/> (200 with Contact bindings, 401 challenge, 423…).</summary>
    SipResponse OnRegister(SipRequest register, SipEndPoint remote);
}

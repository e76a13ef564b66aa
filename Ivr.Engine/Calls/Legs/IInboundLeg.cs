using Ivr.Engine.Sip;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// The caller's leg of a call that a <see cref="CallActor"/> owns: a SIP INVITE (<see cref="InboundLeg"/>) or an Asterisk
/// channel over FastAGI (<see cref="AgiLeg"/>). Beyond <see cref="ILeg"/>: ring, answer, reject, transfer, and what the
/// flow leaves behind when it ends.
/// </summary>
public interface IInboundLeg : ILeg
{
    /// <summary>Where the call came from: <see cref="CallSources.Sip"/> or <see cref="CallSources.Asterisk"/>.</summary>
    string Source { get; }

    /// <summary>True once the caller cancelled before the answer.</summary>
    bool IsCancelled { get; }

    /// <summary>Tells the caller the call rings (a SIP 180; nothing over AGI, where the dial plan decides).</summary>
    void Ring(int statusCode = 180);

    /// <summary>Answers (<paramref name="sdpAnswer"/> for SIP); true once the call is up, false when it could not be.</summary>
    Task<bool> AnswerAsync(string sdpAnswer, CancellationToken cancellationToken);

    /// <summary>Refuses the call with <paramref name="statusCode"/> (SIP final response; over AGI the channel is handed back).</summary>
    void Reject(int statusCode, IReadOnlyList<SipHeader>? extraHeaders = null);

    /// <summary>Transfers the caller to <paramref name="target"/>; true when it was accepted.</summary>
    Task<bool> ReferAsync(string target, CancellationToken cancellationToken);

    /// <summary>The flow ended with <paramref name="outcome"/> and <paramref name="variables"/>: kept for the hang-up (AGI sets them on the channel).</summary>
    void FlowEnded(FlowOutcome outcome, IReadOnlyDictionary<string, string> variables);

    /// <summary>Stops reporting events (the owner is gone).</summary>
    void Detach();
}

using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// One incoming call as the SIP stack presents it to the call layer: the INVITE server transaction and, once answered,
/// the dialog (RFC 3261 §12, §13.3, §15). Thread-safe; events fire on stack threads, so an actor must re-post them to itself.
/// </summary>
public interface IInviteSession
{
    /// <summary>The dialog's Call-ID.</summary>
    string CallId { get; }

    /// <summary>The initial INVITE (read-only by convention).</summary>
    SipRequest Invite { get; }

    /// <summary>Where the INVITE came from.</summary>
    SipEndPoint Remote { get; }

    /// <summary>True once the 200 OK has been sent.</summary>
    bool IsAnswered { get; }

    /// <summary>
    /// True once the caller cancelled before the answer: a handler that subscribes to <see cref="Cancelled"/> after the
    /// CANCEL arrived (it can come right behind the INVITE) reads it here instead of waiting for an event already raised.
    /// </summary>
    bool IsCancelled { get; }

    /// <summary>Sends a provisional response such as 180 Ringing (RFC 3261 §13.3.1.1).</summary>
    void SendProvisional(int statusCode);

    /// <summary>
    /// Sends 200 OK with the SDP answer and retransmits it until the ACK arrives (RFC 3261 §13.3.1.4).
    /// Completes true on ACK, false when Timer H fires without one (the stack then sends BYE itself).
    /// </summary>
    Task<bool> AcceptAsync(string sdpAnswer, CancellationToken cancellationToken);

    /// <summary>Answers the INVITE with a final non-2xx (e.g. 404, 486, 488, 503); <paramref name="extraHeaders"/> such as Retry-After.</summary>
    void Reject(int statusCode, IReadOnlyList<SipHeader>? extraHeaders = null);

    /// <summary>Ends an answered call with BYE (RFC 3261 §15.1.1); completes when the BYE transaction ends.</summary>
    Task HangupAsync(CancellationToken cancellationToken);

    /// <summary>Asks the caller to call <paramref name="target"/> (RFC 3515 REFER); true when the REFER was accepted (202).</summary>
    Task<bool> ReferAsync(string target, CancellationToken cancellationToken);

    /// <summary>The caller cancelled before the answer; the stack has already sent 200 to the CANCEL and 487 to the INVITE (RFC 3261 §9.2).</summary>
    event Action? Cancelled;

    /// <summary>The caller hung up (BYE received; the stack has answered it 200 OK).</summary>
    event Action? RemoteHangup;
}

namespace Ivr.Engine.Sip.Stack;

/// <summary>Receives each new incoming INVITE (not retransmissions) from the SIP stack; the call layer implements it.</summary>
public interface IIncomingCallHandler
{
    /// <summary>A new call. The handler must answer or reject it; the stack has already sent 100 Trying.</summary>
    void OnIncomingCall(IInviteSession session);

    /// <summary>
    /// False once the node stops taking new calls (a drain): OPTIONS outside a dialog then get 503, so a dispatching
    /// proxy that probes with OPTIONS takes the node out of its set before its live calls end.
    /// </summary>
    bool TakesNewCalls => true;
}

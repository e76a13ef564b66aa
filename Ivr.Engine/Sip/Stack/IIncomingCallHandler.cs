namespace Ivr.Engine.Sip.Stack;

/// <summary>Receives each new incoming INVITE (not retransmissions) from the SIP stack; the call layer implements it.</summary>
public interface IIncomingCallHandler
{
    /// <summary>A new call. The handler must answer or reject it; the stack has already sent 100 Trying.</summary>
    void OnIncomingCall(IInviteSession session);
}

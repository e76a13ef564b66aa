namespace Ivr.Engine.Sip.Stack;

/// <summary>What the stack hands to the owner of a dialog (an incoming or outgoing call).</summary>
internal interface IDialogUser
{
    /// <summary>A non-INVITE request inside the dialog (BYE, INFO, NOTIFY, OPTIONS, REFER…); the owner must answer it.</summary>
    void OnInDialogRequest(SipRequest request, NonInviteServerTransaction transaction);

    /// <summary>A re-INVITE inside the dialog (§14.2); the owner must answer it.</summary>
    void OnReInvite(SipRequest request, InviteServerTransaction transaction);

    /// <summary>The ACK for our 2xx (§13.3.1.4).</summary>
    void OnAck(SipRequest ack);

    /// <summary>A retransmitted 2xx to our INVITE arrived after its transaction ended: ACK it again (§13.2.2.4).</summary>
    void On2xxRetransmission(SipResponse response);
}

namespace Ivr.Engine.Sip.Stack;

/// <summary>What a per-source limit counts a request as: each class has its own token bucket (<see cref="SipSourceLimits"/>).</summary>
public enum SipTrafficClass
{
    /// <summary>A new INVITE (outside a dialog).</summary>
    Invite,

    /// <summary>REGISTER.</summary>
    Register,

    /// <summary>OPTIONS outside a dialog (keep-alives, scanners).</summary>
    Options,

    /// <summary>Everything else that is not part of a live dialog or transaction: CANCEL, BYE or INFO for no dialog, unparseable datagrams, stray responses.</summary>
    Other,
}

namespace Ivr.Engine.Sip.Stack;

/// <summary>What <see cref="SipSourceGuard.Check"/> says of a packet before it is parsed.</summary>
public enum SipSourceVerdict
{
    /// <summary>Not banned: parse it.</summary>
    Pass,

    /// <summary>Banned, <see cref="SipBannedAction.Drop"/>: forget it.</summary>
    Drop,

    /// <summary>Banned, <see cref="SipBannedAction.Refuse"/>: answer a request with 503 and Retry-After.</summary>
    Refuse,
}

namespace Ivr.Engine.Sip.Stack;

/// <summary>What a banned source's packets get.</summary>
public enum SipBannedAction
{
    /// <summary>Nothing: dropped before parsing (the cheapest, and a scanner learns nothing).</summary>
    Drop,

    /// <summary>A stateless 503 with Retry-After set to the ban's remaining seconds (RFC 3261 §21.5.4); ACKs and responses are dropped.</summary>
    Refuse,
}

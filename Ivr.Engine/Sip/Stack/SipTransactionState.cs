namespace Ivr.Engine.Sip.Stack;

/// <summary>Transaction states (RFC 3261 §17.1–§17.2, with RFC 6026 Accepted for the INVITE server).</summary>
public enum SipTransactionState
{
    /// <summary>INVITE client: request sent, no response yet.</summary>
    Calling,
    /// <summary>Non-INVITE: request sent or received, no response yet.</summary>
    Trying,
    /// <summary>A provisional response was sent or received.</summary>
    Proceeding,
    /// <summary>INVITE server: a 2xx was sent; retransmitted INVITEs are absorbed until Timer L (RFC 6026 §7.1).</summary>
    Accepted,
    /// <summary>A final response was sent or received; retransmissions are absorbed.</summary>
    Completed,
    /// <summary>INVITE server: the ACK for a non-2xx arrived.</summary>
    Confirmed,
    /// <summary>Finished; the transaction is gone.</summary>
    Terminated,
}

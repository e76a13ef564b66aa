namespace Ivr.Engine.Sip.Stack;

/// <summary>The RFC 3261 §17 timer base values (Table 4, Appendix A); every other timer derives from them.</summary>
public sealed record SipTimerSettings
{
    /// <summary>RTT estimate, 500 ms by default (RFC 3261 §17.1.1.1).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests and INVITE responses, 4 s.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum time a message stays in the network, 5 s.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timer D: wait time for response retransmits in the INVITE client's Completed state (at least 32 s over UDP).</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>64·T1: Timers B, F, H, J and L (RFC 3261 §17, RFC 6026 §8.7).</summary>
    public TimeSpan Timeout64 => T1 * 64;
}

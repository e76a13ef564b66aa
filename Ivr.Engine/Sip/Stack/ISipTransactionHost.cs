using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>What a transaction needs from its stack: a clock, timer values and a way to send bytes.</summary>
internal interface ISipTransactionHost
{
    TimeProvider Time { get; }

    SipTimerSettings Timers { get; }

    /// <summary>Sends serialized bytes; <paramref name="isRetransmission"/> feeds the counters.</summary>
    void Send(byte[] message, SipEndPoint remote, bool isRetransmission);

    /// <summary>A response left a server transaction (for the by-code counters).</summary>
    void ResponseSent(int statusCode);

    /// <summary>A timer callback threw; the host logs it (a timer must never take the process down).</summary>
    void TimerFailed(Exception exception);
}

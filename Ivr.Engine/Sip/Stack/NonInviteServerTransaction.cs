using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// The non-INVITE server transaction (RFC 3261 §17.2.2): retransmitted requests get the last response again;
/// after the final response the transaction lingers for Timer J (64·T1 over UDP, zero over TCP).
/// </summary>
internal sealed class NonInviteServerTransaction : SipTransaction
{
    private byte[]? _last;
    private ITimer? _j;

    public NonInviteServerTransaction(SipRequest request, SipEndPoint remote, string key, ISipTransactionHost host)
        : base(host, remote, key)
    {
        ArgumentNullException.ThrowIfNull(request);
        State = SipTransactionState.Trying;
    }

    /// <summary>Status code of the last response sent (0 before any).</summary>
    public int LastStatus { get; private set; }

    /// <summary>Sends a response; false if a final one was already sent.</summary>
    public bool Respond(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var bytes = response.ToBytes();
        var terminateNow = false;
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding)) return false;
            _last = bytes;
            LastStatus = response.StatusCode;
            Host.ResponseSent(response.StatusCode);
            Host.Send(bytes, Remote, false);
            if (response.StatusCode < 200)
            {
                State = SipTransactionState.Proceeding;
                return true;
            }
            State = SipTransactionState.Completed;
            if (Reliable) terminateNow = true;
            else _j = Schedule(Timers.Timeout64, Terminate);
        }
        if (terminateNow) Terminate();
        return true;
    }

    /// <summary>A retransmitted request: resend the last response, if any (RFC 3261 §17.2.2).</summary>
    public void OnRetransmission()
    {
        lock (Gate)
        {
            if (_last is not null && State is SipTransactionState.Proceeding or SipTransactionState.Completed) Host.Send(_last, Remote, true);
        }
    }

    protected override void StopTimers() => _j?.Dispose();
}

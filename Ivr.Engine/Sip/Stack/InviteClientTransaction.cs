using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// The INVITE client transaction (RFC 3261 §17.1.1): retransmits the INVITE with Timer A (UDP only, doubling), gives up
/// with Timer B (64·T1), builds and sends the ACK for a non-2xx itself (§17.1.1.3) and keeps it for Timer D; a 2xx
/// ends the transaction and goes to the TU, whose dialog ACKs it (§13.2.2.4).
/// </summary>
internal sealed class InviteClientTransaction : SipTransaction
{
    private readonly byte[] _requestBytes;
    private byte[]? _ack;
    private ITimer? _a;
    private ITimer? _b;
    private ITimer? _d;
    private TimeSpan _aInterval;

    public InviteClientTransaction(SipRequest invite, SipEndPoint remote, ISipTransactionHost host)
        : base(host, remote, ClientKey(invite))
    {
        Request = invite;
        _requestBytes = invite.ToBytes();
        State = SipTransactionState.Calling;
    }

    public SipRequest Request { get; }

    /// <summary>Every response the TU must see: provisionals, the first non-2xx final, and each 2xx.</summary>
    public event Action<SipResponse>? ResponseReceived;

    /// <summary>Timer B fired: no response at all (the TU treats it as 408, §8.1.3.1).</summary>
    public event Action? TimedOut;

    /// <summary>Client matching key (RFC 3261 §17.1.3): top Via branch and CSeq method.</summary>
    public static string ClientKey(SipMessage message) => message.TopVia?.Branch + "|" + message.CSeq?.Method;

    /// <summary>Sends the INVITE and starts Timers A and B.</summary>
    public void Start()
    {
        lock (Gate)
        {
            Host.Send(_requestBytes, Remote, false);
            if (!Reliable)
            {
                _aInterval = Timers.T1;
                _a = Schedule(_aInterval, OnTimerA);
            }
            _b = Schedule(Timers.Timeout64, OnTimerB);
        }
    }

    /// <summary>A response matched this transaction.</summary>
    public void OnResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        bool deliver = false, terminate = false;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Calling or SipTransactionState.Proceeding:
                    deliver = true;
                    if (response.StatusCode < 200)
                    {
                        State = SipTransactionState.Proceeding;
                        _a?.Dispose();
                    }
                    else if (response.StatusCode < 300)
                    {
                        terminate = true;
                    }
                    else
                    {
                        State = SipTransactionState.Completed;
                        _a?.Dispose();
                        _b?.Dispose();
                        _ack = BuildAck(Request, response).ToBytes();
                        Host.Send(_ack, Remote, false);
                        if (Reliable) terminate = true;
                        else _d = Schedule(Timers.TimerD, Terminate);
                    }
                    break;
                case SipTransactionState.Completed when response.StatusCode >= 300 && _ack is not null:
                    Host.Send(_ack, Remote, true);
                    break;
            }
        }
        if (deliver) ResponseReceived?.Invoke(response);
        if (terminate) Terminate();
    }

    /// <summary>
    /// RFC 3261 §17.1.1.3: the ACK for a non-2xx has the INVITE's Request-URI, Call-ID, From, CSeq number and top Via
    /// (same branch), the response's To (with its tag), and the INVITE's Route headers.
    /// </summary>
    public static SipRequest BuildAck(SipRequest invite, SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(response);
        var ack = new SipRequest("ACK", invite.RequestUri);
        var h = ack.Headers;
        h.Add(SipHeaderNames.Via, invite.Headers[SipHeaderNames.Via]!);
        h.Add(SipHeaderNames.MaxForwards, "70");
        h.Add(SipHeaderNames.From, invite.Headers[SipHeaderNames.From]!);
        h.Add(SipHeaderNames.To, response.Headers[SipHeaderNames.To] ?? invite.Headers[SipHeaderNames.To]!);
        h.Add(SipHeaderNames.CallId, invite.CallId!);
        h.Add(SipHeaderNames.CSeq, new SipCSeq(invite.CSeq!.Value.Number, "ACK").ToString());
        foreach (var route in invite.Headers.GetValues(SipHeaderNames.Route)) h.Add(SipHeaderNames.Route, route);
        return ack;
    }

    private void OnTimerA()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Calling) return;
            Host.Send(_requestBytes, Remote, true);
            _aInterval *= 2;
            Reschedule(_a, _aInterval);
        }
    }

    private void OnTimerB()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Calling) return;
        }
        Terminate();
        TimedOut?.Invoke();
    }

    protected override void StopTimers()
    {
        _a?.Dispose();
        _b?.Dispose();
        _d?.Dispose();
    }
}

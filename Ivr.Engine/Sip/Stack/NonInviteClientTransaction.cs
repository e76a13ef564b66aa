using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// The non-INVITE client transaction (RFC 3261 §17.1.2): Timer E retransmits (UDP only, doubling to T2, then every T2
/// once a provisional arrived), Timer F gives up after 64·T1 with a synthesized 408 (§8.1.3.1), Timer K absorbs
/// response retransmissions for T4.
/// </summary>
internal sealed class NonInviteClientTransaction : SipTransaction
{
    private readonly byte[] _requestBytes;
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _e;
    private ITimer? _f;
    private ITimer? _k;
    private TimeSpan _eInterval;

    public NonInviteClientTransaction(SipRequest request, SipEndPoint remote, ISipTransactionHost host)
        : base(host, remote, InviteClientTransaction.ClientKey(request))
    {
        Request = request;
        _requestBytes = request.ToBytes();
        State = SipTransactionState.Trying;
    }

    public SipRequest Request { get; }

    /// <summary>The final response, or a local 408 when Timer F fires.</summary>
    public Task<SipResponse> Completion => _final.Task;

    /// <summary>Sends the request and starts Timers E and F.</summary>
    public void Start()
    {
        lock (Gate)
        {
            Host.Send(_requestBytes, Remote, false);
            if (!Reliable)
            {
                _eInterval = Timers.T1;
                _e = Schedule(_eInterval, OnTimerE);
            }
            _f = Schedule(Timers.Timeout64, OnTimerF);
        }
    }

    /// <summary>A response matched this transaction.</summary>
    public void OnResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var terminateNow = false;
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding)) return;
            if (response.StatusCode < 200)
            {
                State = SipTransactionState.Proceeding;
                return;
            }
            State = SipTransactionState.Completed;
            _e?.Dispose();
            _f?.Dispose();
            if (Reliable) terminateNow = true;
            else _k = Schedule(Timers.T4, Terminate);
        }
        _final.TrySetResult(response);
        if (terminateNow) Terminate();
    }

    private void OnTimerE()
    {
        lock (Gate)
        {
            if (State == SipTransactionState.Trying) _eInterval = _eInterval * 2 < Timers.T2 ? _eInterval * 2 : Timers.T2;
            else if (State == SipTransactionState.Proceeding) _eInterval = Timers.T2;
            else return;
            Host.Send(_requestBytes, Remote, true);
            Reschedule(_e, _eInterval);
        }
    }

    private void OnTimerF()
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding)) return;
        }
        Terminate();
        _final.TrySetResult(SipResponse.CreateFor(Request, 408));
    }

    protected override void StopTimers()
    {
        _e?.Dispose();
        _f?.Dispose();
        _k?.Dispose();
    }
}

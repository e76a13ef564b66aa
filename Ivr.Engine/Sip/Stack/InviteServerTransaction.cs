using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// The INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1): absorbs retransmitted INVITEs by resending the last
/// response, retransmits a non-2xx final with Timer G (UDP only) until the ACK or Timer H, keeps Confirmed for Timer I,
/// and after a 2xx stays Accepted for Timer L while the dialog layer retransmits the 2xx itself (§13.3.1.4).
/// </summary>
internal sealed class InviteServerTransaction : SipTransaction
{
    private byte[]? _last;
    private ITimer? _g;
    private ITimer? _h;
    private ITimer? _i;
    private ITimer? _l;
    private TimeSpan _gInterval;

    public InviteServerTransaction(SipRequest invite, SipEndPoint remote, string key, ISipTransactionHost host)
        : base(host, remote, key)
    {
        Request = invite;
        State = SipTransactionState.Proceeding;
    }

    /// <summary>The INVITE while no final response was sent; null after (see <see cref="Respond"/>).</summary>
    public SipRequest? Request { get; private set; }

    /// <summary>The session the TU built for this INVITE, while no final response was sent.</summary>
    public object? Owner { get; set; }

    /// <summary>Status code of the last response sent (0 before any).</summary>
    public int LastStatus { get; private set; }

    /// <summary>RFC 3261 §17.2.1: Timer H fired in Completed — the ACK for the non-2xx never came.</summary>
    public event Action? AckTimedOut;

    /// <summary>Sends a response from the TU; false when a final response was already sent.</summary>
    public bool Respond(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var bytes = response.ToBytes();
        var code = response.StatusCode;
        lock (Gate)
        {
            if (State != SipTransactionState.Proceeding) return false;
            _last = bytes;
            LastStatus = code;
            Host.ResponseSent(code);
            Host.Send(bytes, Remote, false);
            if (code < 200) return true;
            // The transaction lingers up to 64·T1 to absorb retransmissions with the bytes above; the parsed INVITE and
            // the session (the whole call) need not live that long.
            Request = null;
            Owner = null;
            if (code < 300)
            {
                State = SipTransactionState.Accepted;
                _l = Schedule(Timers.Timeout64, OnTimerL);
                return true;
            }
            State = SipTransactionState.Completed;
            if (!Reliable)
            {
                _gInterval = Timers.T1;
                _g = Schedule(_gInterval, OnTimerG);
            }
            _h = Schedule(Timers.Timeout64, OnTimerH);
            return true;
        }
    }

    /// <summary>
    /// A retransmission of the INVITE: resend the most recent provisional or non-2xx final response (RFC 3261 §17.2.1);
    /// absorbed once a 2xx was sent (RFC 6026 §7.1, Accepted: the TU alone retransmits the 2xx, §13.3.1.4).
    /// </summary>
    public void OnRetransmission()
    {
        lock (Gate)
        {
            if (_last is null || State is not (SipTransactionState.Proceeding or SipTransactionState.Completed)) return;
            Host.Send(_last, Remote, true);
        }
    }

    /// <summary>An ACK matched this transaction; true if it was absorbed here (non-2xx ACK), false if it belongs to the dialog.</summary>
    public bool OnAck()
    {
        var terminateNow = false;
        lock (Gate)
        {
            if (State == SipTransactionState.Confirmed) return true;
            if (State != SipTransactionState.Completed) return false;
            State = SipTransactionState.Confirmed;
            _g?.Dispose();
            _h?.Dispose();
            if (Reliable) terminateNow = true;
            else _i = Schedule(Timers.T4, Terminate);
        }
        if (terminateNow) Terminate();
        return true;
    }

    private void OnTimerG()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Completed || _last is null) return;
            Host.Send(_last, Remote, true);
            _gInterval = _gInterval * 2 < Timers.T2 ? _gInterval * 2 : Timers.T2;
            Reschedule(_g, _gInterval);
        }
    }

    private void OnTimerH()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Completed) return;
        }
        Terminate();
        AckTimedOut?.Invoke();
    }

    private void OnTimerL() => Terminate();

    protected override void StopTimers()
    {
        _g?.Dispose();
        _h?.Dispose();
        _i?.Dispose();
        _l?.Dispose();
    }
}

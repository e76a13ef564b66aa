using System.Text;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// An incoming call (UAS, RFC 3261 §13.3): wraps the INVITE server transaction, retransmits the 2xx until the ACK
/// (§13.3.1.4, T1 doubling to T2, giving up after 64·T1 with a BYE), and owns the dialog for BYE, REFER and in-dialog
/// requests (§12, §15). Thread-safe.
/// </summary>
public sealed class InviteSession : IInviteSession, IDialogUser
{
    private readonly SipStack _stack;
    private readonly InviteServerTransaction _transaction;
    private readonly object _gate = new();
    private SessionState _state = SessionState.Offered;
    private SipDialog? _dialog;
    private byte[]? _ok;
    private string? _sdpAnswer;
    private ITimer? _retransmit;
    private ITimer? _timerH;
    private TimeSpan _interval;
    private TaskCompletionSource<bool>? _acked;
    private int _released;

    internal InviteSession(SipStack stack, SipRequest invite, SipEndPoint remote, InviteServerTransaction transaction)
    {
        _stack = stack;
        _transaction = transaction;
        Invite = invite;
        Remote = remote;
        CallId = invite.CallId!;
        LocalTag = SipIds.NewTag();
    }

    private enum SessionState
    {
        Offered,
        Answered,
        Confirmed,
        Rejected,
        Ended,
    }

    /// <inheritdoc />
    public string CallId { get; }

    /// <inheritdoc />
    public SipRequest Invite { get; }

    /// <inheritdoc />
    public SipEndPoint Remote { get; }

    /// <summary>The To tag we put in every response except 100 (RFC 3261 §8.2.6.2).</summary>
    public string LocalTag { get; }

    /// <summary>The key of the dialog this call forms (Call-ID, our tag, the caller's tag).</summary>
    internal string DialogKey => SipDialog.DialogKey(CallId, LocalTag, Invite.From?.Tag ?? "");

    /// <inheritdoc />
    public bool IsCancelled
    {
        get
        {
            lock (_gate) return _cancelled;
        }
    }

    /// <inheritdoc />
    public bool IsAnswered
    {
        get
        {
            lock (_gate) return _state is SessionState.Answered or SessionState.Confirmed || (_state == SessionState.Ended && _dialog is not null);
        }
    }

    private bool _cancelled;

    /// <inheritdoc />
    public event Action? Cancelled;

    /// <inheritdoc />
    public event Action? RemoteHangup;

    /// <inheritdoc />
    public void SendProvisional(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 101);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 199);
        lock (_gate)
        {
            if (_state != SessionState.Offered) return;
        }
        var response = SipResponse.CreateFor(Invite, statusCode, null, LocalTag);
        // RFC 3261 §12.1.1: a provisional response with a To tag makes an early dialog; it carries the Record-Route.
        CopyRecordRoute(Invite, response);
        response.Headers.Add(SipHeaderNames.Contact, _stack.ContactFor(Remote.Protocol, sips: Invite.RequestUri.Scheme == "sips"));
        _transaction.Respond(response);
    }

    /// <inheritdoc />
    public Task<bool> AcceptAsync(string sdpAnswer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sdpAnswer);
        SipResponse ok;
        Task<bool> result;
        lock (_gate)
        {
            if (_state != SessionState.Offered) return Task.FromResult(false);
            ok = BuildOk(Invite, sdpAnswer);
            _sdpAnswer = sdpAnswer;
            _dialog = SipDialog.CreateUas(Invite, LocalTag);
            _state = SessionState.Answered;
            _ok = ok.ToBytes();
            _acked = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            result = _acked.Task;
            _interval = _stack.Timers.T1;
            _retransmit = _stack.CreateTimer(OnRetransmitTimer, _interval);
            _timerH = _stack.CreateTimer(OnTimerH, _stack.Timers.Timeout64);
        }
        _transaction.Respond(ok);
        return cancellationToken.CanBeCanceled ? result.WaitAsync(cancellationToken) : result;
    }

    private SipResponse BuildOk(SipRequest request, string sdp)
    {
        var ok = SipResponse.CreateFor(request, 200, null, LocalTag);
        CopyRecordRoute(request, ok);
        ok.Headers.Add(SipHeaderNames.Contact, _stack.ContactFor(Remote.Protocol, sips: Invite.RequestUri.Scheme == "sips"));
        ok.Headers.Add(SipHeaderNames.Allow, _stack.Allow);
        ok.Headers.Add(SipHeaderNames.Supported, "replaces");
        ok.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        ok.Body = Encoding.UTF8.GetBytes(sdp);
        return ok;
    }

    // RFC 3261 §12.1.1: the UAS copies every Record-Route of the request into a dialog-creating response, in order.
    private static void CopyRecordRoute(SipRequest request, SipResponse response)
    {
        foreach (var rr in request.Headers.GetValues(SipHeaderNames.RecordRoute)) response.Headers.Add(SipHeaderNames.RecordRoute, rr);
    }

    // RFC 3261 §13.3.1.4: the 2xx goes out again at T1, 2·T1, … capped at T2, until the ACK.
    private void OnRetransmitTimer()
    {
        lock (_gate)
        {
            if (_state != SessionState.Answered || _ok is null) return;
            _stack.Send(_ok, Remote, true);
            _interval = _interval * 2 < _stack.Timers.T2 ? _interval * 2 : _stack.Timers.T2;
            _retransmit?.Change(_interval, Timeout.InfiniteTimeSpan);
        }
    }

    // RFC 3261 §13.3.1.4: no ACK within 64·T1 — the dialog is confirmed and then terminated with BYE.
    private void OnTimerH()
    {
        lock (_gate)
        {
            if (_state != SessionState.Answered) return;
            _state = SessionState.Ended;
            StopTimers();
        }
        _stack.Logger.LogWarning("No ACK for the 2xx of call {CallId} within 64*T1; sending BYE", CallId);
        _acked?.TrySetResult(false);
        _ = SendByeAsync(CancellationToken.None);
    }

    private void StopTimers()
    {
        _retransmit?.Dispose();
        _timerH?.Dispose();
    }

    /// <inheritdoc />
    public void Reject(int statusCode, IReadOnlyList<SipHeader>? extraHeaders = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        lock (_gate)
        {
            if (_state != SessionState.Offered) return;
            _state = SessionState.Rejected;
        }
        var response = SipResponse.CreateFor(Invite, statusCode, null, LocalTag);
        if (extraHeaders is not null)
        {
            foreach (var h in extraHeaders) response.Headers.Add(h.Name, h.Value);
        }
        _transaction.Respond(response);
        Release();
    }

    /// <inheritdoc />
    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        bool offered;
        lock (_gate)
        {
            offered = _state == SessionState.Offered;
            if (_state is not (SessionState.Answered or SessionState.Confirmed or SessionState.Offered)) return;
            if (!offered)
            {
                _state = SessionState.Ended;
                StopTimers();
            }
        }
        if (offered)
        {
            Reject(480);
            return;
        }
        _acked?.TrySetResult(false);
        await SendByeAsync(cancellationToken);
    }

    private async Task SendByeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await SendInDialogAsync("BYE", null, cancellationToken);
            if (response.StatusCode == 408 || response.StatusCode == 481)
            {
                _stack.Logger.LogInformation("BYE for call {CallId} ended with {Status}; the dialog is gone anyway", CallId, response.StatusCode);
            }
        }
        finally
        {
            Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> ReferAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_gate)
        {
            if (_state is not (SessionState.Answered or SessionState.Confirmed)) return false;
        }
        var referTo = target.StartsWith('<') ? target : "<" + target + ">";
        var response = await SendInDialogAsync("REFER", r =>
        {
            r.Headers.Add(SipHeaderNames.ReferTo, referTo);
            r.Headers.Add(SipHeaderNames.ReferredBy, _dialog!.LocalParty.ToString());
        }, cancellationToken);
        return response.StatusCode is >= 200 and < 300;
    }

    private async Task<SipResponse> SendInDialogAsync(string method, Action<SipRequest>? decorate, CancellationToken cancellationToken)
    {
        SipRequest request;
        SipDialog dialog;
        lock (_gate)
        {
            dialog = _dialog ?? throw new InvalidOperationException("The call has no dialog yet");
            var (transport, host, port) = _stack.ViaFor(Remote.Protocol);
            request = dialog.CreateRequest(method, transport, host, port, _stack.ContactFor(Remote.Protocol, sips: Invite.RequestUri.Scheme == "sips"));
            decorate?.Invoke(request);
        }
        var destination = await _stack.DialogDestinationAsync(dialog, Remote, cancellationToken);
        return await _stack.SendRequestAsync(request, destination, cancellationToken);
    }

    /// <summary>RFC 3261 §9.2: CANCEL before the final response: 487 to the INVITE. Returns false if too late.</summary>
    internal bool OnCancel()
    {
        lock (_gate)
        {
            if (_state != SessionState.Offered) return false;
            _state = SessionState.Rejected;
            _cancelled = true;
        }
        // Counted as ended before the 487 leaves, so whoever sees the 487 sees the call gone.
        Release();
        _transaction.Respond(SipResponse.CreateFor(Invite, 487, null, LocalTag));
        Cancelled?.Invoke();
        return true;
    }

    void IDialogUser.OnInDialogRequest(SipRequest request, NonInviteServerTransaction transaction)
    {
        lock (_gate)
        {
            if (_dialog is not null && !_dialog.AcceptRemoteCSeq(request.CSeq!.Value.Number))
            {
                transaction.Respond(SipResponse.CreateFor(request, 500, "CSeq out of order", LocalTag));
                return;
            }
        }
        switch (request.Method)
        {
            case "BYE":
                OnBye(request, transaction);
                break;
            case "OPTIONS":
                transaction.Respond(_stack.OptionsResponse(request, LocalTag));
                break;
            case "INFO" or "NOTIFY" or "UPDATE":
                transaction.Respond(SipResponse.CreateFor(request, 200, null, LocalTag));
                break;
            default:
                var refused = SipResponse.CreateFor(request, 405, null, LocalTag);
                refused.Headers.Add(SipHeaderNames.Allow, _stack.Allow);
                transaction.Respond(refused);
                break;
        }
    }

    private void OnBye(SipRequest bye, NonInviteServerTransaction transaction)
    {
        bool wasOffered, wasLive;
        lock (_gate)
        {
            wasOffered = _state == SessionState.Offered;
            wasLive = _state is SessionState.Offered or SessionState.Answered or SessionState.Confirmed;
            if (wasLive)
            {
                _state = SessionState.Ended;
                StopTimers();
            }
        }
        if (!wasLive)
        {
            transaction.Respond(SipResponse.CreateFor(bye, 200, null, LocalTag));
            return;
        }
        // The call is ended and reported before the 200 leaves, so whoever sees the 200 sees the call gone.
        Release();
        _acked?.TrySetResult(false);
        try
        {
            RemoteHangup?.Invoke();
        }
        finally
        {
            transaction.Respond(SipResponse.CreateFor(bye, 200, null, LocalTag));
            // RFC 3261 §15.1.2: a BYE before the final response ends the INVITE with 487.
            if (wasOffered) _transaction.Respond(SipResponse.CreateFor(Invite, 487, null, LocalTag));
        }
    }

    void IDialogUser.OnReInvite(SipRequest request, InviteServerTransaction transaction)
    {
        string? sdp;
        lock (_gate)
        {
            sdp = _state is SessionState.Answered or SessionState.Confirmed ? _sdpAnswer : null;
            if (sdp is not null && !_dialog!.AcceptRemoteCSeq(request.CSeq!.Value.Number)) sdp = null;
            if (sdp is not null) _dialog!.RefreshTarget(request);
        }
        // Session refresh or hold: keep our media as it is and answer with the same SDP (RFC 3264 §8).
        transaction.Respond(sdp is null ? SipResponse.CreateFor(request, 481, null, LocalTag) : BuildOk(request, sdp));
    }

    void IDialogUser.OnAck(SipRequest ack)
    {
        lock (_gate)
        {
            if (_state != SessionState.Answered) return;
            _state = SessionState.Confirmed;
            StopTimers();
        }
        _acked?.TrySetResult(true);
    }

    void IDialogUser.On2xxRetransmission(SipResponse response)
    {
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _stack.SessionEnded(this);
    }
}

using System.Text;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// A call we placed (UAC, RFC 3261 §13.2): runs the INVITE client transaction, absorbs provisionals, ACKs the 2xx from
/// the dialog (§13.2.2.4), CANCELs on ring timeout or cancellation (§9.1) and hangs up with BYE.
/// </summary>
internal sealed class OutboundCall : IOutboundCall, IDialogUser
{
    private readonly SipStack _stack;
    private readonly SipRequest _invite;
    private readonly SipEndPoint _remote;
    private readonly object _gate = new();
    private readonly TaskCompletionSource<IOutboundCall> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private InviteClientTransaction? _transaction;
    private SipDialog? _dialog;
    private byte[]? _ack;
    private bool _provisional;
    private bool _cancelSent;
    private OutboundCallStatus? _cancelReason;
    private ITimer? _ringTimer;
    private ITimer? _cancelGuard;
    private bool _ended;

    public OutboundCall(SipStack stack, SipRequest invite, SipEndPoint remote)
    {
        _stack = stack;
        _invite = invite;
        _remote = remote;
        CallId = invite.CallId!;
    }

    public string CallId { get; }

    public OutboundCallStatus Status { get; private set; }

    public int StatusCode { get; private set; }

    public string? SdpAnswer { get; private set; }

    public event Action? RemoteHangup;

    public async Task<IOutboundCall> RunAsync(TimeSpan ringTimeout, CancellationToken cancellationToken)
    {
        var tx = new InviteClientTransaction(_invite, _remote, _stack);
        _transaction = tx;
        tx.ResponseReceived += OnResponse;
        tx.TimedOut += () => Finish(OutboundCallStatus.TimedOut, 408);
        _stack.RegisterClient(tx);
        lock (_gate)
        {
            _ringTimer = _stack.CreateTimer(() => Cancel(OutboundCallStatus.TimedOut), ringTimeout);
        }
        tx.Start();
        await using var registration = cancellationToken.Register(static s => ((OutboundCall)s!).Cancel(OutboundCallStatus.Cancelled), this);
        return await _done.Task;
    }

    private void OnResponse(SipResponse response)
    {
        if (response.StatusCode < 200)
        {
            bool sendCancel;
            lock (_gate)
            {
                _provisional = true;
                sendCancel = _cancelReason is not null && !_cancelSent;
                _cancelSent |= sendCancel;
            }
            if (sendCancel) SendCancel();
            return;
        }
        if (response.StatusCode < 300)
        {
            OnSuccess(response);
            return;
        }
        OutboundCallStatus status;
        lock (_gate) status = _cancelReason ?? OutboundCallStatus.Rejected;
        Finish(status, response.StatusCode);
    }

    private void OnSuccess(SipResponse response)
    {
        OutboundCallStatus? cancelled;
        lock (_gate)
        {
            if (_dialog is not null) return;
            _dialog = SipDialog.CreateUac(_invite, response);
            var (transport, host, port) = _stack.ViaFor(_remote.Protocol);
            var ack = _dialog.CreateRequest("ACK", transport, host, port, _stack.ContactFor(_remote.Protocol, sips: _invite.RequestUri.Scheme == "sips"), _invite.CSeq!.Value.Number);
            _ack = ack.ToBytes();
            SdpAnswer = response.Body.IsEmpty ? null : Encoding.UTF8.GetString(response.Body.Span);
            cancelled = _cancelReason;
        }
        _stack.RegisterDialog(_dialog.Key, this);
        _ = SendAckAsync();
        if (cancelled is { } reason)
        {
            // The 2xx crossed our CANCEL (§9.1): the call is up, so end it with BYE.
            _ = HangupAsync(CancellationToken.None);
            Finish(reason, response.StatusCode);
            return;
        }
        Finish(OutboundCallStatus.Answered, response.StatusCode);
    }

    private async Task SendAckAsync()
    {
        var destination = await _stack.DialogDestinationAsync(_dialog!, _remote, CancellationToken.None);
        _stack.Send(_ack!, destination, false);
    }

    private void Finish(OutboundCallStatus status, int code)
    {
        lock (_gate)
        {
            if (_done.Task.IsCompleted) return;
            Status = status;
            StatusCode = code;
            _ringTimer?.Dispose();
            _cancelGuard?.Dispose();
        }
        _stack.Logger.LogDebug("Outbound call {CallId} ended ringing: {Status} {Code}", CallId, status, code);
        _done.TrySetResult(this);
    }

    // RFC 3261 §9.1: CANCEL only after a provisional response; until then remember the intent.
    private void Cancel(OutboundCallStatus reason)
    {
        bool sendNow;
        lock (_gate)
        {
            if (_done.Task.IsCompleted || _cancelReason is not null) return;
            _cancelReason = reason;
            sendNow = _provisional && !_cancelSent;
            _cancelSent |= sendNow;
            _cancelGuard = _stack.CreateTimer(OnCancelGuard, _stack.Timers.Timeout64);
        }
        if (sendNow) SendCancel();
    }

    private void OnCancelGuard()
    {
        OutboundCallStatus reason;
        lock (_gate) reason = _cancelReason ?? OutboundCallStatus.TimedOut;
        Finish(reason, 408);
    }

    // RFC 3261 §9.1: same Request-URI, Call-ID, To, From, CSeq number and top Via (branch) as the INVITE.
    private void SendCancel()
    {
        var cancel = new SipRequest("CANCEL", _invite.RequestUri);
        var h = cancel.Headers;
        h.Add(SipHeaderNames.Via, _invite.Headers[SipHeaderNames.Via]!);
        h.Add(SipHeaderNames.MaxForwards, "70");
        h.Add(SipHeaderNames.From, _invite.Headers[SipHeaderNames.From]!);
        h.Add(SipHeaderNames.To, _invite.Headers[SipHeaderNames.To]!);
        h.Add(SipHeaderNames.CallId, CallId);
        h.Add(SipHeaderNames.CSeq, new SipCSeq(_invite.CSeq!.Value.Number, "CANCEL").ToString());
        foreach (var route in _invite.Headers.GetValues(SipHeaderNames.Route)) h.Add(SipHeaderNames.Route, route);
        _ = _stack.SendRequestAsync(cancel, _remote, CancellationToken.None);
    }

    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        SipRequest bye;
        SipDialog dialog;
        lock (_gate)
        {
            if (_dialog is null || _ended) return;
            _ended = true;
            dialog = _dialog;
            var (transport, host, port) = _stack.ViaFor(_remote.Protocol);
            bye = dialog.CreateRequest("BYE", transport, host, port, _stack.ContactFor(_remote.Protocol, sips: _invite.RequestUri.Scheme == "sips"));
        }
        try
        {
            var destination = await _stack.DialogDestinationAsync(dialog, _remote, cancellationToken);
            await _stack.SendRequestAsync(bye, destination, cancellationToken);
        }
        finally
        {
            _stack.UnregisterDialog(dialog.Key, this);
        }
    }

    void IDialogUser.OnInDialogRequest(SipRequest request, NonInviteServerTransaction transaction)
    {
        if (request.Method == "BYE")
        {
            bool first;
            lock (_gate)
            {
                first = !_ended;
                _ended = true;
            }
            transaction.Respond(SipResponse.CreateFor(request, 200));
            if (!first) return;
            _stack.UnregisterDialog(_dialog!.Key, this);
            RemoteHangup?.Invoke();
            return;
        }
        transaction.Respond(request.Method == "OPTIONS" ? _stack.OptionsResponse(request, null) : SipResponse.CreateFor(request, 200));
    }

    void IDialogUser.OnReInvite(SipRequest request, InviteServerTransaction transaction) =>
        transaction.Respond(SipResponse.CreateFor(request, 488));

    void IDialogUser.OnAck(SipRequest ack)
    {
    }

    void IDialogUser.On2xxRetransmission(SipResponse response)
    {
        byte[]? ack;
        lock (_gate) ack = _ack;
        if (ack is null) return;
        _ = ResendAckAsync(ack);
    }

    private async Task ResendAckAsync(byte[] ack)
    {
        var destination = await _stack.DialogDestinationAsync(_dialog!, _remote, CancellationToken.None);
        _stack.Send(ack, destination, true);
    }
}

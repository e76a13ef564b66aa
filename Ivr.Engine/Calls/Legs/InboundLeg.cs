using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// The caller's leg of an incoming call: its INVITE session (ring, answer, reject, refer, cancel) and the media reserved
/// for it. Answering starts the media, then sends the 200 OK with the SDP answer and waits for the ACK (RFC 3261 §13.3.1.4).
/// </summary>
public sealed class InboundLeg : SipLeg, IInboundLeg
{
    private readonly IInviteSession _session;
    private readonly Action _onCancelled;
    private readonly Action _onRemoteHangup;
    private int _detached;
    private Task<bool>? _accepting;

    /// <summary>The leg of <paramref name="session"/> on <paramref name="media"/> (not started); subscribes to the session.</summary>
    public InboundLeg(IInviteSession session, IMediaSession media, ILogger? log = null)
        : base(session.CallId, media, log)
    {
        _session = session;
        _onCancelled = () =>
        {
            MarkEnded();
            Listener?.Cancelled();
        };
        _onRemoteHangup = OnRemoteHangup;
        session.Cancelled += _onCancelled;
        session.RemoteHangup += _onRemoteHangup;
    }

    /// <inheritdoc />
    public string Source => CallSources.Sip;

    /// <summary>True once the caller cancelled (a CANCEL can land before anyone attached: read it here).</summary>
    public bool IsCancelled => _session.IsCancelled;

    /// <summary>Sends a provisional response such as 180 Ringing (RFC 3261 §13.3.1.1).</summary>
    public void Ring(int statusCode = 180) => _session.SendProvisional(statusCode);

    /// <summary>Starts the media, sends 200 OK with <paramref name="sdpAnswer"/>; true on ACK, false when Timer H fired (the stack sent BYE).</summary>
    public async Task<bool> AnswerAsync(string sdpAnswer, CancellationToken cancellationToken)
    {
        await Media.StartAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var accepting = _accepting = _session.AcceptAsync(sdpAnswer, cancellationToken);
        var acknowledged = await accepting.ConfigureAwait(false);
        if (!acknowledged) MarkEnded();
        return acknowledged;
    }

    /// <summary>
    /// Answers the INVITE with a final non-2xx (<paramref name="extraHeaders"/> such as Retry-After); one the transaction
    /// can no longer take (gone) is logged, not thrown. When the 200 OK already went out, the call is ended with BYE once
    /// the ACK arrives instead (the stack sends BYE itself when it never does).
    /// </summary>
    public void Reject(int statusCode, IReadOnlyList<SipHeader>? extraHeaders = null)
    {
        if (_session.IsAnswered && _accepting is { } accepting)
        {
            // Too late to reject: the 200 OK is out. RFC 3261 §15: no BYE before the ACK (or the transaction's end), then BYE.
            _ = accepting.ContinueWith(t => t.IsCompletedSuccessfully && t.Result ? HangupAsync(CancellationToken.None) : Task.CompletedTask,
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            return;
        }
        MarkEnded();
        try
        {
            _session.Reject(statusCode, extraHeaders);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            Log.LogWarning(ex, "Could not reject call {CallId} with {Status}", CallId, statusCode);
        }
    }

    /// <summary>Asks the caller to call <paramref name="target"/> (RFC 3515); true when the REFER was accepted.</summary>
    public Task<bool> ReferAsync(string target, CancellationToken cancellationToken) => _session.ReferAsync(target, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Nothing to keep: a SIP caller's call ends with BYE.</remarks>
    public void FlowEnded(FlowOutcome outcome, IReadOnlyDictionary<string, string> variables)
    {
    }

    /// <summary>Stops reporting the session's events (the owner is gone); the media is left to <see cref="SipLeg.CloseMedia"/>.</summary>
    public void Detach()
    {
        if (Interlocked.Exchange(ref _detached, 1) != 0) return;
        Attach(null);
        _session.Cancelled -= _onCancelled;
        _session.RemoteHangup -= _onRemoteHangup;
    }

    /// <inheritdoc />
    protected override Task SendByeAsync(CancellationToken cancellationToken) =>
        _session.IsAnswered ? _session.HangupAsync(cancellationToken) : Task.CompletedTask;
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Tests.Calls;

/// <summary>
/// In-process test double for the SIP seam <see cref="IInviteSession"/>: records every response the call layer sends
/// (provisional, 200 with its SDP, rejections with their headers, BYE, REFER) and lets a test raise CANCEL or BYE from the
/// caller. It stands in for the real stack only inside these tests; the real SIP path is tested end to end with sipp.
/// </summary>
internal sealed class InProcessInviteSession : IInviteSession
{
    public const string PcmuOffer = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

    public const string G729Offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=call\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
        + "m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";

    private readonly ConcurrentQueue<string> _events = new();
    private readonly TaskCompletionSource<bool> _ack = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _hangups;

    public InProcessInviteSession(string callId, string dialled = "hotline", string callerNumber = "+15555550100", string? displayName = "Ada", string? sdpOffer = PcmuOffer)
    {
        CallId = callId;
        var invite = new SipRequest("INVITE", SipUri.Parse($"sip:{dialled}@127.0.0.1:5060"));
        invite.Headers.Add(SipHeaderNames.From, (displayName is null ? string.Empty : $"\"{displayName}\" ") + $"<sip:{callerNumber}@127.0.0.1>;tag=caller");
        invite.Headers.Add(SipHeaderNames.To, $"<sip:{dialled}@127.0.0.1>");
        invite.Headers.Add(SipHeaderNames.CallId, callId);
        if (sdpOffer is not null)
        {
            invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            invite.Body = Encoding.UTF8.GetBytes(sdpOffer);
        }
        Invite = invite;
    }

    public string CallId { get; }

    public SipRequest Invite { get; }

    public SipEndPoint Remote { get; } = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 5070));

    public bool IsAnswered { get; private set; }

    public bool IsCancelled { get; private set; }

    /// <summary>True once the ACK arrives by default; a test may hold it with <see cref="AckAutomatically"/>.</summary>
    public bool AckAutomatically { get; init; } = true;

    public string? SdpAnswer { get; private set; }

    public int? RejectedWith { get; private set; }

    public IReadOnlyList<SipHeader> RejectHeaders { get; private set; } = [];

    public int Hangups => Volatile.Read(ref _hangups);

    public string? ReferredTo { get; private set; }

    /// <summary>Every response or request the call layer made, in order: "180", "200", "404", "BYE", "REFER sip:…".</summary>
    public IReadOnlyList<string> Events => [.. _events];

    public event Action? Cancelled;

    public event Action? RemoteHangup;

    public void SendProvisional(int statusCode) => _events.Enqueue(statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<bool> AcceptAsync(string sdpAnswer, CancellationToken cancellationToken)
    {
        SdpAnswer = sdpAnswer;
        IsAnswered = true;
        _events.Enqueue("200");
        if (AckAutomatically) _ack.TrySetResult(true);
        return _ack.Task;
    }

    public void Reject(int statusCode, IReadOnlyList<SipHeader>? extraHeaders = null)
    {
        RejectedWith = statusCode;
        RejectHeaders = extraHeaders ?? [];
        _events.Enqueue(statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task HangupAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _hangups);
        _events.Enqueue("BYE");
        return Task.CompletedTask;
    }

    public Task<bool> ReferAsync(string target, CancellationToken cancellationToken)
    {
        ReferredTo = target;
        _events.Enqueue("REFER " + target);
        return Task.FromResult(true);
    }

    /// <summary>The caller sends CANCEL (the stack has answered 487).</summary>
    public void CallerCancels()
    {
        IsCancelled = true;
        Cancelled?.Invoke();
    }

    /// <summary>The caller sends BYE.</summary>
    public void CallerHangsUp() => RemoteHangup?.Invoke();
}

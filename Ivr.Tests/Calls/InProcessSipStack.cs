using System.Net;
using Ivr.Engine.Hosting;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Tests.Calls;

/// <summary>
/// In-process test double for the <see cref="ISipStackFactory"/> seam: keeps the call handler the engine registers so a test
/// can hand it INVITEs, and offers a scripted <see cref="ISipUserAgent"/>. No sockets; the real stack is tested with sipp.
/// </summary>
internal sealed class InProcessSipStack : ISipStackFactory, ISipStack, ISipUserAgent, IOutboundCall
{
    private readonly TaskCompletionSource<IIncomingCallHandler> _handler = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IIncomingCallHandler> Handler => _handler.Task;

    public SipStackOptions? Options { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>The SDP the scripted callee answers with (the dial tests).</summary>
    public string AnswerSdp { get; set; } = string.Empty;

    public string? OfferSent { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> HeadersSent { get; private set; } = [];

    public int Hangups { get; private set; }

    public IReadOnlyList<SipEndPoint> LocalEndPoints => [new(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 5060))];

    public ISipUserAgent UserAgent => this;

    public string CallId => "dial-1";

    public OutboundCallStatus Status => OutboundCallStatus.Answered;

    public int StatusCode => 200;

    public string? SdpAnswer => AnswerSdp;

    public event Action? RemoteHangup;

    public Task<ISipStack> StartAsync(SipStackOptions options, IIncomingCallHandler handler, CancellationToken cancellationToken)
    {
        Options = options;
        _handler.TrySetResult(handler);
        return Task.FromResult<ISipStack>(this);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    public Task<IOutboundCall> InviteAsync(SipUri target, string fromUser, string? fromDisplayName, string sdpOffer, TimeSpan ringTimeout, CancellationToken cancellationToken, SipEndPoint? destination = null, IReadOnlyList<KeyValuePair<string, string>>? extraHeaders = null)
    {
        OfferSent = sdpOffer;
        HeadersSent = extraHeaders ?? [];
        return Task.FromResult<IOutboundCall>(this);
    }

    public Task HangupAsync(CancellationToken cancellationToken)
    {
        Hangups++;
        return Task.CompletedTask;
    }

    public void CalleeHangsUp() => RemoteHangup?.Invoke();
}

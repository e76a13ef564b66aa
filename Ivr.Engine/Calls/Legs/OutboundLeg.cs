using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls.Legs;

/// <summary>A leg the engine placed and the far end answered (an agent, a callback's customer): its dialog and started media.</summary>
public sealed class OutboundLeg : SipLeg
{
    private readonly IOutboundCall _call;

    /// <summary>The answered <paramref name="call"/> on its started <paramref name="media"/>; subscribes to the far end's BYE.</summary>
    public OutboundLeg(IOutboundCall call, IMediaSession media, ILogger? log = null)
        : base(call.CallId, media, log)
    {
        _call = call;
        call.RemoteHangup += OnRemoteHangup;
    }

    /// <inheritdoc />
    protected override Task SendByeAsync(CancellationToken cancellationToken) => _call.HangupAsync(cancellationToken);
}

using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Hosting;

/// <summary>A running SIP stack; disposing it closes the transports.</summary>
public interface ISipStack : IAsyncDisposable
{
    /// <summary>Where the stack listens (the actual ports when 0 was asked).</summary>
    IReadOnlyList<SipEndPoint> LocalEndPoints { get; }

    /// <summary>The UAC side, to place calls.</summary>
    ISipUserAgent UserAgent { get; }
}

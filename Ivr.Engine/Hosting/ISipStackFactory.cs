using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Hosting;

/// <summary>The seam that starts the SIP stack (transports, transactions, dialogs); the real stack plugs in here.</summary>
public interface ISipStackFactory
{
    /// <summary>Binds the transports and starts handing new INVITEs to <paramref name="handler"/>.</summary>
    Task<ISipStack> StartAsync(SipStackOptions options, IIncomingCallHandler handler, CancellationToken cancellationToken);
}

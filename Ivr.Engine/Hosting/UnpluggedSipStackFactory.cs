using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Hosting;

/// <summary>Registered until the SIP stack is plugged in: starting it fails with a message that says so.</summary>
public sealed class UnpluggedSipStackFactory : ISipStackFactory
{
    /// <inheritdoc />
    public Task<ISipStack> StartAsync(SipStackOptions options, IIncomingCallHandler handler, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            "No SIP stack is plugged in: register an ISipStackFactory (services.AddSingleton<ISipStackFactory, …>()) before AddIvrEngine.");
}

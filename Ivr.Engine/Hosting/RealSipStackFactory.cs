using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>The real SIP plug: our RFC 3261 <see cref="SipStack"/> on UDP, TCP and/or TLS, answering REGISTER with <paramref name="registrar"/> when one is given.</summary>
public sealed class RealSipStackFactory(ILoggerFactory loggerFactory, TimeProvider time, ISipRegistrar? registrar = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null) : ISipStackFactory
{
    /// <inheritdoc />
    public async Task<ISipStack> StartAsync(SipStackOptions options, IIncomingCallHandler handler, CancellationToken cancellationToken)
    {
        var settings = new SipStackSettings
        {
            ListenAddress = options.Address,
            Port = options.Port,
            EnableUdp = options.Transports.Contains(SipProtocol.Udp),
            EnableTcp = options.Transports.Contains(SipProtocol.Tcp),
            EnableTls = options.Transports.Contains(SipProtocol.Tls),
            TlsPort = options.TlsPort,
            Tls = options.Tls,
            NatNetworks = options.NatNetworks,
            SourceLimits = options.SourceLimits,
            MeterFactory = meterFactory,
        };
        var stack = new SipStack(settings, loggerFactory, time) { IncomingCallHandler = handler, Registrar = registrar };
        await stack.StartAsync(cancellationToken);
        return new Started(stack);
    }

    private sealed class Started(SipStack stack) : ISipStack
    {
        public IReadOnlyList<SipEndPoint> LocalEndPoints =>
            new[] { stack.UdpEndPoint, stack.TcpEndPoint, stack.TlsEndPoint }.Where(e => e is not null).Select(e => e!.Value).ToArray();

        public ISipUserAgent UserAgent => stack;

        public ValueTask DisposeAsync() => stack.DisposeAsync();
    }
}

using System.Net;
using Ivr.Engine.Net;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Hosting;

/// <summary>What the SIP stack binds.</summary>
/// <param name="Address">The local address.</param>
/// <param name="Port">The port (0 for any free port, e.g. the <c>dial</c> test caller).</param>
/// <param name="Transports">UDP, TCP and/or TLS.</param>
public sealed record SipStackOptions(IPAddress Address, int Port, IReadOnlyList<SipProtocol> Transports)
{
    /// <summary>The ranges a peer behind NAT advertises (<see cref="SipOptions.NatNetworks"/>).</summary>
    public NatNetworks NatNetworks { get; init; } = NatNetworks.Default;

    /// <summary>Per-source rate limits and bans (<see cref="SipOptions.Limits"/>).</summary>
    public Sip.Stack.SipSourceLimits SourceLimits { get; init; } = Sip.Stack.SipSourceLimits.Default;

    /// <summary>The TLS port (0 for any free port), used when <see cref="Transports"/> has TLS.</summary>
    public int TlsPort { get; init; } = 5061;

    /// <summary>Certificate and trust for TLS; required when <see cref="Transports"/> has TLS.</summary>
    public SipTlsSettings? Tls { get; init; }

    /// <summary>
    /// The stack options of <paramref name="sip"/>; throws <see cref="FormatException"/> on a bad address or transport and
    /// <see cref="InvalidOperationException"/> when TLS is on and its PEM files cannot be used (<see cref="SipTlsOptions.Load"/>).
    /// </summary>
    public static SipStackOptions From(SipOptions sip, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sip);
        if (!IPAddress.TryParse(sip.Address, out var address)) throw new FormatException($"Sip:Address '{sip.Address}' is not an IP address.");
        var transports = sip.Transports
            .Select(t => Enum.TryParse<SipProtocol>(t, ignoreCase: true, out var p) ? p : throw new FormatException($"Sip:Transports: unknown transport '{t}'."))
            .Distinct()
            .ToArray();
        var tls = transports.Contains(SipProtocol.Tls) ? sip.Tls.Load(time ?? TimeProvider.System) : null;
        return new SipStackOptions(address, sip.Port, transports) { NatNetworks = NatNetworks.Parse(sip.NatNetworks), SourceLimits = sip.Limits.ToLimits(), TlsPort = sip.TlsPort, Tls = tls };
    }
}

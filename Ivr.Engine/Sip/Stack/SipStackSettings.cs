using System.Net;
using Ivr.Engine.Net;

namespace Ivr.Engine.Sip.Stack;

/// <summary>Configuration of a <see cref="SipStack"/>.</summary>
public sealed record SipStackSettings
{
    /// <summary>Address to listen on (default 127.0.0.1).</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Port for UDP and TCP (default 5060; 0 picks free ports, possibly different for each transport).</summary>
    public int Port { get; init; } = 5060;

    /// <summary>Listen on UDP.</summary>
    public bool EnableUdp { get; init; } = true;

    /// <summary>Listen on TCP.</summary>
    public bool EnableTcp { get; init; } = true;

    /// <summary>Listen on TLS (RFC 3261 §26.2) on <see cref="TlsPort"/>; needs <see cref="Tls"/>.</summary>
    public bool EnableTls { get; init; }

    /// <summary>Port for TLS (default 5061, RFC 3261 §26.2.2; 0 picks a free port).</summary>
    public int TlsPort { get; init; } = 5061;

    /// <summary>Our certificate, trusted roots and handshake timeout for TLS; the TLS channel shares the <see cref="Tcp"/> limits.</summary>
    public Transport.SipTlsSettings? Tls { get; init; }

    /// <summary>Seconds put in Retry-After on the 503 sent when no <see cref="SipStack.IncomingCallHandler"/> is set (RFC 3261 §20.33).</summary>
    public int RetryAfterSeconds { get; init; } = 30;

    /// <summary>User part of our Contact and From URIs.</summary>
    public string ContactUser { get; init; } = "ivr";

    /// <summary>User-Agent / Server header value.</summary>
    public string UserAgent { get; init; } = "Ivr";

    /// <summary>Transaction timer base values (T1, T2, T4).</summary>
    public SipTimerSettings Timers { get; init; } = new();

    /// <summary>TCP limits.</summary>
    public Transport.TcpSipChannelOptions Tcp { get; init; } = new();

    /// <summary>
    /// Address ranges a peer behind NAT advertises: an in-dialog request to a peer whose Contact lies in one of them, but
    /// whose INVITE came from another address (or whose INVITE we sent to its registered flow), goes where the dialog's
    /// packets come from, not to the Contact (default <see cref="NatNetworks.Default"/>).
    /// </summary>
    public NatNetworks NatNetworks { get; init; } = NatNetworks.Default;

    /// <summary>The host's meter factory for the stack's counters (null: counted, not exported).</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }

    /// <summary>Per-source rate limits and bans (default <see cref="SipSourceLimits.Default"/>).</summary>
    public SipSourceLimits SourceLimits { get; init; } = SipSourceLimits.Default;

    /// <summary>What the request validator accepts.</summary>
    public SipValidatorOptions Validator { get; init; } = SipValidatorOptions.Default;
}

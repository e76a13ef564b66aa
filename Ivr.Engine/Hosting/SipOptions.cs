namespace Ivr.Engine.Hosting;

/// <summary>Where the SIP stack listens (<c>Sip</c> section).</summary>
public sealed class SipOptions
{
    /// <summary>The address to bind and advertise.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The SIP port (RFC 3261 §18: 5060 by default).</summary>
    public int Port { get; set; } = 5060;

    /// <summary>
    /// Address ranges (CIDR, comma-separated) a phone behind NAT advertises in its Contact and SDP: such a phone is
    /// answered where its packets come from (SIP requests to the REGISTER's or INVITE's source, RTP to the first
    /// packet's source). Default: private, shared, link-local and unique-local ranges; empty turns it off.
    /// </summary>
    public string NatNetworks { get; set; } = Net.NatNetworks.DefaultList;

    /// <summary>Per-source rate limits and bans (docs/sip-stack.md).</summary>
    public SipLimitsOptions Limits { get; set; } = new();

    /// <summary>Transports to listen on: <c>udp</c>, <c>tcp</c>, <c>tls</c> (udp and tcp when none is configured; tls needs <see cref="Tls"/>).</summary>
    public List<string> Transports { get; set; } = [];

    /// <summary>The SIP over TLS port (RFC 3261 §26.2.2: 5061 by default).</summary>
    public int TlsPort { get; set; } = 5061;

    /// <summary>Certificate, key, trusted CA and handshake timeout for TLS.</summary>
    public SipTlsOptions Tls { get; set; } = new();
}

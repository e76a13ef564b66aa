namespace Ivr.Engine.Sip.Transport;

/// <summary>Limits for <see cref="TcpSipChannel"/>.</summary>
public sealed record TcpSipChannelOptions
{
    /// <summary>Connections (accepted plus opened) kept at once; extra accepted connections are closed at once.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>A connection with no traffic for this long is closed (RFC 3261 §18.3 leaves the policy to the implementation).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an outbound connect may take before the send is dropped.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message accepted on a stream; a larger one faults and closes that connection.</summary>
    public int MaxMessageSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Asked at accept time, before any TLS handshake: a banned source's connection is closed at once, and one over the
    /// source's own limit too. Null: no per-source check (the stack passes its <c>SipSourceGuard</c>).
    /// </summary>
    public ISipSourceGate? Sources { get; init; }
}

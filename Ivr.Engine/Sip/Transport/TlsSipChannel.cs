using System.Net;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// SIP over TLS (RFC 3261 §26.2, §18): the TCP channel's listener, framing, connection table, limits and idle cleanup, with
/// every connection secured first (TLS 1.2+ only). Responses and in-dialog requests toward a peer leave on the connection
/// it opened (§18.2.2); a new target gets a new connection whose server certificate is verified.
/// </summary>
public sealed class TlsSipChannel : ISipChannel
{
    private readonly TcpSipChannel _stream;

    /// <summary>Binds a listening socket on <paramref name="bind"/> (port 0 picks a free port).</summary>
    public TlsSipChannel(IPEndPoint bind, SipTlsSettings tls, ILogger logger, TcpSipChannelOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(tls);
        _stream = new TcpSipChannel(bind, new SipTlsHandshake(tls), logger, options, timeProvider);
    }

    /// <inheritdoc />
    public SipProtocol Protocol => SipProtocol.Tls;

    /// <inheritdoc />
    public SipEndPoint LocalEndPoint => _stream.LocalEndPoint;

    /// <summary>Open connections, accepted (including those still in their handshake) and outbound.</summary>
    public int ConnectionCount => _stream.ConnectionCount;

    /// <summary>Accepted connections closed at once (banned source, over its source's limit, channel full), before any handshake.</summary>
    public long RefusedConnections => _stream.RefusedConnections;

    /// <inheritdoc />
    public Task StartAsync(SipDatagramHandler handler, CancellationToken cancellationToken) => _stream.StartAsync(handler, cancellationToken);

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, SipEndPoint remote, CancellationToken cancellationToken) =>
        _stream.SendAsync(message, remote, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Transport;

/// <summary>SIP over UDP (RFC 3261 §18): one socket, one receive loop, one reused 64 KiB buffer.</summary>
public sealed class UdpSipChannel : ISipChannel
{
    private const int MaxDatagram = 65_535;
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Binds a UDP socket on <paramref name="bind"/> (port 0 picks a free port).</summary>
    public UdpSipChannel(IPEndPoint bind, ILogger logger)
    {
        _logger = logger;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.SendBufferSize = 4 * 1024 * 1024;
        try
        {
            _socket.Bind(bind);
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            throw new SipBindException(SipProtocol.Udp, bind, ex);
        }
        LocalEndPoint = new SipEndPoint(SipProtocol.Udp, (IPEndPoint)_socket.LocalEndPoint!);
    }

    /// <inheritdoc />
    public SipProtocol Protocol => SipProtocol.Udp;

    /// <inheritdoc />
    public SipEndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public Task StartAsync(SipDatagramHandler handler, CancellationToken cancellationToken)
    {
        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _loop = Task.Run(() => ReceiveLoopAsync(handler, token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task ReceiveLoopAsync(SipDatagramHandler handler, CancellationToken token)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        var address = new SocketAddress(_socket.AddressFamily);
        var template = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!token.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, address, token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // ICMP port-unreachable from an earlier send surfaces here on some stacks; keep serving.
                _logger.LogDebug(ex, "UDP receive error {Error}", ex.SocketErrorCode);
                continue;
            }

            var remote = new SipEndPoint(SipProtocol.Udp, (IPEndPoint)template.Create(address));
            try
            {
                handler(buffer.AsSpan(0, received), remote, LocalEndPoint);
            }
            catch (Exception ex)
            {
                // One bad message must never stop the listener.
                _logger.LogError(ex, "SIP handler failed for a datagram from {Remote}", remote);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, SipEndPoint remote, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendToAsync(message, SocketFlags.None, remote.EndPoint, cancellationToken);
        }
        catch (SocketException ex)
        {
            _logger.LogDebug(ex, "UDP send to {Remote} failed: {Error}", remote, ex.SocketErrorCode);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

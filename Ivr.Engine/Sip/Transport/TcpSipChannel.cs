using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// SIP over TCP (RFC 3261 §18): a listener, one read loop per connection framed by Content-Length (§18.3), CRLF
/// keep-alives answered (RFC 5626 §4.4.1), a connection table so responses leave on the connection the request came in
/// on (§18.2.2), outbound connects for new targets, idle cleanup and a connection limit. A bad stream closes only its
/// own connection.
/// </summary>
public sealed class TcpSipChannel : ISipChannel
{
    private static readonly byte[] Pong = "\r\n"u8.ToArray();
    private readonly Socket _listener;
    private readonly ILogger _logger;
    private readonly TcpSipChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPEndPoint, Connection> _connections = new();
    private SipDatagramHandler? _handler;
    private Task? _acceptLoop;
    private ITimer? _idleTimer;

    /// <summary>Binds a listening socket on <paramref name="bind"/> (port 0 picks a free port).</summary>
    public TcpSipChannel(IPEndPoint bind, ILogger logger, TcpSipChannelOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        _logger = logger;
        _options = options ?? new TcpSipChannelOptions();
        _time = timeProvider ?? TimeProvider.System;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            _listener.Bind(bind);
            _listener.Listen(512);
        }
        catch (SocketException ex)
        {
            _listener.Dispose();
            throw new SipBindException(SipProtocol.Tcp, bind, ex);
        }
        LocalEndPoint = new SipEndPoint(SipProtocol.Tcp, (IPEndPoint)_listener.LocalEndPoint!);
    }

    /// <inheritdoc />
    public SipProtocol Protocol => SipProtocol.Tcp;

    /// <inheritdoc />
    public SipEndPoint LocalEndPoint { get; }

    /// <summary>Open connections, accepted and outbound.</summary>
    public int ConnectionCount => _connections.Count;

    /// <inheritdoc />
    public Task StartAsync(SipDatagramHandler handler, CancellationToken cancellationToken)
    {
        _handler = handler;
        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(token), CancellationToken.None);
        var sweep = _options.IdleTimeout / 4;
        if (sweep < TimeSpan.FromSeconds(1)) sweep = TimeSpan.FromSeconds(1);
        _idleTimer = _time.CreateTimer(static s => ((TcpSipChannel)s!).CloseIdle(), this, sweep, sweep);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(token);
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
                _logger.LogDebug(ex, "TCP accept error {Error}", ex.SocketErrorCode);
                continue;
            }
            if (_connections.Count >= _options.MaxConnections)
            {
                _logger.LogWarning("TCP connection limit {Max} reached; closing a new connection", _options.MaxConnections);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            var conn = new Connection(this, socket, (IPEndPoint)socket.RemoteEndPoint!);
            if (!_connections.TryAdd(conn.Remote.EndPoint, conn))
            {
                socket.Dispose();
                continue;
            }
            conn.StartReading(token);
        }
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, SipEndPoint remote, CancellationToken cancellationToken)
    {
        try
        {
            var conn = _connections.TryGetValue(remote.EndPoint, out var existing) ? existing : await ConnectAsync(remote.EndPoint, cancellationToken);
            if (conn is null) return;
            await conn.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            _logger.LogDebug(ex, "TCP send to {Remote} failed", remote);
        }
    }

    private async Task<Connection?> ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        if (_connections.Count >= _options.MaxConnections)
        {
            _logger.LogWarning("TCP connection limit {Max} reached; not connecting to {Remote}", _options.MaxConnections, remote);
            return null;
        }
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _stop.Token);
        try
        {
            await socket.ConnectAsync(remote, linked.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var conn = new Connection(this, socket, remote);
        var winner = _connections.GetOrAdd(remote, conn);
        if (winner != conn)
        {
            socket.Dispose();
            return winner;
        }
        conn.StartReading(_stop.Token);
        return conn;
    }

    private void CloseIdle()
    {
        var now = _time.GetTimestamp();
        foreach (var conn in _connections.Values)
        {
            if (_time.GetElapsedTime(conn.LastActivity, now) >= _options.IdleTimeout)
            {
                _logger.LogDebug("Closing idle TCP connection {Remote}", conn.Remote);
                _ = conn.CloseAsync();
            }
        }
    }

    private void Remove(Connection conn) => _connections.TryRemove(new KeyValuePair<IPEndPoint, Connection>(conn.Remote.EndPoint, conn));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _idleTimer?.Dispose();
        _listener.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        foreach (var conn in _connections.Values) await conn.CloseAsync();
        _stop.Dispose();
    }

    private sealed class Connection
    {
        private readonly TcpSipChannel _owner;
        private readonly Socket _socket;
        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private int _closed;

        public Connection(TcpSipChannel owner, Socket socket, IPEndPoint remote)
        {
            _owner = owner;
            _socket = socket;
            Remote = new SipEndPoint(SipProtocol.Tcp, remote);
            LastActivity = owner._time.GetTimestamp();
        }

        public SipEndPoint Remote { get; }

        public long LastActivity { get; private set; }

        public void StartReading(CancellationToken token) => _ = Task.Run(() => ReadLoopAsync(token), CancellationToken.None);

        private async Task ReadLoopAsync(CancellationToken token)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            using var framer = new SipStreamFramer(_owner._options.MaxMessageSize);
            try
            {
                while (!token.IsCancellationRequested)
                {
                    var n = await _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, token);
                    if (n == 0) break;
                    LastActivity = _owner._time.GetTimestamp();
                    if (!framer.Append(buffer.AsSpan(0, n)) || !await DrainAsync(framer, token)) break;
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                _owner._logger.LogDebug("TCP connection {Remote} ended: {Error}", Remote, ex.Message);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                await CloseAsync();
            }
        }

        private async Task<bool> DrainAsync(SipStreamFramer framer, CancellationToken token)
        {
            while (true)
            {
                switch (framer.TryRead(out var message, out var error))
                {
                    case SipFrameResult.NeedMoreData:
                        return true;
                    case SipFrameResult.KeepAlivePing:
                        await SendAsync(Pong, token);
                        continue;
                    case SipFrameResult.Error:
                        _owner._logger.LogInformation("Closing TCP connection {Remote}: {Detail}", Remote, error.Detail);
                        return false;
                    default:
                        try
                        {
                            _owner._handler?.Invoke(message.Span, Remote, _owner.LocalEndPoint);
                        }
                        catch (Exception ex)
                        {
                            _owner._logger.LogError(ex, "SIP handler failed for a message from {Remote}", Remote);
                        }
                        continue;
                }
            }
        }

        public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken token)
        {
            await _sendLock.WaitAsync(token);
            try
            {
                if (Volatile.Read(ref _closed) != 0) throw new ObjectDisposedException(nameof(Connection));
                while (!data.IsEmpty)
                {
                    var sent = await _socket.SendAsync(data, SocketFlags.None, token);
                    data = data[sent..];
                }
                LastActivity = _owner._time.GetTimestamp();
            }
            finally
            {
                _sendLock.Release();
            }
        }

        public async Task CloseAsync()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            _owner.Remove(this);
            // Let a response being written finish before the socket goes (RFC 3261 §18.2.2: answer on this connection).
            var held = await _sendLock.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            _socket.Dispose();
            if (held) _sendLock.Release();
        }
    }
}

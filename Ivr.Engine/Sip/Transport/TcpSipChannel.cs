using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// SIP over TCP (RFC 3261 §18): a listener, one read loop per connection framed by Content-Length (§18.3), CRLF
/// keep-alives answered (RFC 5626 §4.4.1), a connection table so responses leave on the connection the request came in
/// on (§18.2.2), outbound connects for new targets, idle cleanup and a connection limit. A bad stream closes only its
/// own connection. With TLS settings it is the stream half of <see cref="TlsSipChannel"/>: each connection is secured
/// before it carries SIP, and a handshake that does not finish in time frees its slot. A banned source's connection, or
/// one over its source's limit (<see cref="TcpSipChannelOptions.Sources"/>), is closed as it is accepted, before any
/// handshake. Connections the peer opened (inbound) and those we opened and verified (outbound) are kept apart: a new
/// request to a TLS target rides only a verified one (RFC 5923 §4).
/// </summary>
public sealed class TcpSipChannel : ISipChannel
{
    private static readonly byte[] Pong = "\r\n"u8.ToArray();
    private readonly Socket _listener;
    private readonly ILogger _logger;
    private readonly TcpSipChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly SipTlsHandshake? _tls;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<ConnectionKey, Connection> _connections = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perSource = new();
    private long _refused;
    private SipDatagramHandler? _handler;
    private Task? _acceptLoop;
    private ITimer? _idleTimer;

    /// <summary>Binds a listening socket on <paramref name="bind"/> (port 0 picks a free port).</summary>
    public TcpSipChannel(IPEndPoint bind, ILogger logger, TcpSipChannelOptions? options = null, TimeProvider? timeProvider = null)
        : this(bind, null, logger, options, timeProvider)
    {
    }

    /// <summary>Binds a listening socket whose connections are secured by <paramref name="tls"/> when given (SIP over TLS).</summary>
    internal TcpSipChannel(IPEndPoint bind, SipTlsHandshake? tls, ILogger logger, TcpSipChannelOptions? options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(bind);
        _tls = tls;
        Protocol = tls is null ? SipProtocol.Tcp : SipProtocol.Tls;
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
            throw new SipBindException(Protocol, bind, ex);
        }
        LocalEndPoint = new SipEndPoint(Protocol, (IPEndPoint)_listener.LocalEndPoint!);
    }

    /// <inheritdoc />
    public SipProtocol Protocol { get; }

    /// <inheritdoc />
    public SipEndPoint LocalEndPoint { get; }

    /// <summary>Open connections, accepted and outbound.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Accepted connections closed at once: the source banned, over its own limit, or the channel full.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

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
                _logger.LogDebug(ex, "{Protocol} accept error {Error}", Protocol, ex.SocketErrorCode);
                continue;
            }
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            if (!TakeSourceSlot(remote.Address))
            {
                Interlocked.Increment(ref _refused);
                socket.Dispose();
                continue;
            }
            if (_connections.Count >= _options.MaxConnections)
            {
                Interlocked.Increment(ref _refused);
                ReleaseSourceSlot(remote.Address);
                _logger.LogWarning("{Protocol} connection limit {Max} reached; closing a new connection", Protocol, _options.MaxConnections);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            // The slot is taken before the TLS handshake, so half-open handshakes count against the limits until they time out;
            // the per-source limit keeps one source from holding every slot that way.
            var conn = new Connection(this, socket, new NetworkStream(socket, ownsSocket: true), remote, secured: _tls is null, inbound: true, host: null);
            if (!_connections.TryAdd(conn.Key, conn))
            {
                ReleaseSourceSlot(remote.Address);
                socket.Dispose();
                continue;
            }
            conn.StartReading(token);
        }
    }

    // Before any handshake: a banned source, or one holding its limit of connections already, is refused.
    private bool TakeSourceSlot(IPAddress source)
    {
        var gate = _options.Sources;
        if (gate is null) return true;
        if (gate.IsBanned(source))
        {
            _logger.LogDebug("{Protocol} connection from banned source {Source} closed", Protocol, source);
            return false;
        }
        var limit = gate.ConnectionLimit(source);
        if (limit <= 0) return true;
        if (_perSource.AddOrUpdate(source, 1, static (_, n) => n + 1) <= limit) return true;
        ReleaseSourceSlot(source);
        _logger.LogDebug("{Protocol} source {Source} holds {Limit} connections already; a new one closed", Protocol, source, limit);
        return false;
    }

    private void ReleaseSourceSlot(IPAddress source)
    {
        if (_options.Sources is null) return;
        while (_perSource.TryGetValue(source, out var n))
        {
            if (n <= 1 ? _perSource.TryRemove(new KeyValuePair<IPAddress, int>(source, n)) : _perSource.TryUpdate(source, n - 1, n)) return;
        }
    }

    // The connection a message to remote may take: the very flow it came on (a response or an in-dialog request), a
    // connection we opened to it, or over plain TCP (which proves nothing of the peer either way) any connection to it.
    private Connection? Find(SipEndPoint remote)
    {
        var host = _tls is null ? null : remote.Host;
        if (remote.Flow && _connections.TryGetValue(new ConnectionKey(remote.EndPoint, Inbound: true, null), out var inbound)) return inbound;
        if (_connections.TryGetValue(new ConnectionKey(remote.EndPoint, Inbound: false, host), out var outbound)) return outbound;
        if (_tls is null && _connections.TryGetValue(new ConnectionKey(remote.EndPoint, Inbound: true, null), out inbound)) return inbound;
        return null;
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, SipEndPoint remote, CancellationToken cancellationToken)
    {
        try
        {
            var conn = Find(remote) ?? await ConnectAsync(remote.EndPoint, _tls is null ? null : remote.Host, cancellationToken);
            if (conn is null) return;
            await conn.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException or AuthenticationException)
        {
            _logger.LogDebug(ex, "{Protocol} send to {Remote} failed", Protocol, remote);
        }
    }

    private async Task<Connection?> ConnectAsync(IPEndPoint remote, string? host, CancellationToken cancellationToken)
    {
        if (_connections.Count >= _options.MaxConnections)
        {
            _logger.LogWarning("{Protocol} connection limit {Max} reached; not connecting to {Remote}", Protocol, _options.MaxConnections, remote);
            return null;
        }
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout + (_tls?.Timeout ?? TimeSpan.Zero), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _stop.Token);
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(remote, linked.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
            // RFC 3261 §26.3.1: the server's certificate is checked before anything is sent to it. As on the server side, a
            // handshake may not notice a cancelled read; closing the socket on timeout always ends it.
            if (_tls is not null)
            {
                await using var abort = timeout.Token.Register(static c => ((Socket)c!).Dispose(), socket);
                stream = await _tls.ConnectAsync(stream, remote, host, linked.Token);
            }
        }
        catch (AuthenticationException ex)
        {
            _logger.LogWarning("{Protocol} to {Remote} refused: {Error}", Protocol, remote, ex.Message);
            socket.Dispose();
            throw;
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
        var conn = new Connection(this, socket, stream, remote, secured: true, inbound: false, host);
        var winner = _connections.GetOrAdd(conn.Key, conn);
        if (winner != conn)
        {
            await stream.DisposeAsync();
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
                _logger.LogDebug("Closing idle {Protocol} connection {Remote}", Protocol, conn.Remote);
                _ = conn.CloseAsync();
            }
        }
    }

    private void Remove(Connection conn)
    {
        if (_connections.TryRemove(new KeyValuePair<ConnectionKey, Connection>(conn.Key, conn)) && conn.Key.Inbound) ReleaseSourceSlot(conn.Key.Remote.Address);
    }

    // Inbound: the peer opened it (Host null). Outbound: we opened it and verified the server as Host, or as the address.
    private readonly record struct ConnectionKey(IPEndPoint Remote, bool Inbound, string? Host);

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
        private readonly TaskCompletionSource _secured = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Stream _stream;
        private int _closed;

        public Connection(TcpSipChannel owner, Socket socket, Stream stream, IPEndPoint remote, bool secured, bool inbound, string? host)
        {
            _owner = owner;
            _socket = socket;
            _stream = stream;
            Key = new ConnectionKey(remote, inbound, host);
            Remote = new SipEndPoint(owner.Protocol, remote) { Host = host, Flow = true };
            LastActivity = owner._time.GetTimestamp();
            if (secured) _secured.SetResult();
        }

        public SipEndPoint Remote { get; }

        public ConnectionKey Key { get; }

        public long LastActivity { get; private set; }

        public void StartReading(CancellationToken token) => _ = Task.Run(() => ReadLoopAsync(token), CancellationToken.None);

        private async Task ReadLoopAsync(CancellationToken token)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            using var framer = new SipStreamFramer(_owner._options.MaxMessageSize);
            try
            {
                if (!_secured.Task.IsCompleted && !await SecureAsync(token)) return;
                while (!token.IsCancellationRequested)
                {
                    var n = await _stream.ReadAsync(buffer.AsMemory(), token);
                    if (n == 0) break;
                    LastActivity = _owner._time.GetTimestamp();
                    if (!framer.Append(buffer.AsSpan(0, n)) || !await DrainAsync(framer, token)) break;
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                _owner._logger.LogDebug("{Protocol} connection {Remote} ended: {Error}", _owner.Protocol, Remote, ex.Message);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                await CloseAsync();
            }
        }

        // RFC 3261 §26.2.1: the server side of the TLS handshake, bounded so a peer that never finishes it loses its slot.
        private async Task<bool> SecureAsync(CancellationToken token)
        {
            using var timeout = new CancellationTokenSource(_owner._tls!.Timeout, _owner._time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, token);
            // A cancelled read is not always noticed by the handshake; closing the socket always is.
            await using var abort = timeout.Token.Register(static c => ((Socket)c!).Dispose(), _socket);
            try
            {
                _stream = await _owner._tls.AcceptAsync(_stream, linked.Token);
                _secured.TrySetResult();
                LastActivity = _owner._time.GetTimestamp();
                return true;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                var why = timeout.IsCancellationRequested ? "handshake timed out after " + _owner._tls.Timeout : ex.Message;
                _owner._logger.LogInformation("TLS handshake with {Remote} failed: {Error}", Remote, why);
                return false;
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
                        _owner._logger.LogInformation("Closing {Protocol} connection {Remote}: {Detail}", _owner.Protocol, Remote, error.Detail);
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
            if (!_secured.Task.IsCompleted) await _secured.Task.WaitAsync(token);
            await _sendLock.WaitAsync(token);
            try
            {
                if (Volatile.Read(ref _closed) != 0) throw new ObjectDisposedException(nameof(Connection));
                await _stream.WriteAsync(data, token);
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
            _secured.TrySetCanceled();
            // Let a response being written finish before the socket goes (RFC 3261 §18.2.2: answer on this connection).
            var held = await _sendLock.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            try
            {
                await _stream.DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
            }
            _socket.Dispose();
            if (held) _sendLock.Release();
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// The FastAGI listener: Asterisk's <c>AGI(agi://host:port/flow)</c> connects here, one TCP connection per channel. A
/// connection from a peer outside <see cref="FastAgiLimits.AllowedPeers"/>, or over <see cref="FastAgiLimits.MaxConnections"/>,
/// is closed at once and counted. The environment is read (bounded in size and time); a connection that sends anything
/// else is logged, counted and closed. A good session goes to the <see cref="IAgiSessionHandler"/>. Connections are
/// independent: one bad peer hurts no other.
/// </summary>
public sealed class FastAgiServer : BackgroundService
{
    private static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(200);

    private readonly IPEndPoint _listen;
    private readonly IAgiSessionHandler _handler;
    private readonly AgiMetrics _metrics;
    private readonly FastAgiLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private TcpListener? _listener;
    private int _connections;

    /// <summary>Listens on <paramref name="listen"/> and hands sessions to <paramref name="handler"/>, within <paramref name="limits"/> (time from <paramref name="time"/>).</summary>
    public FastAgiServer(IPEndPoint listen, IAgiSessionHandler handler, AgiMetrics metrics, FastAgiLimits limits, ILogger<FastAgiServer> log, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(limits);
        _listen = listen;
        _handler = handler;
        _metrics = metrics;
        _limits = limits;
        _time = time ?? TimeProvider.System;
        _log = log;
    }

    /// <summary>Where the server listens (the bound port once started, when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listener?.LocalEndpoint ?? _listen;

    /// <summary>Connections open now (pending an environment, or carrying a channel).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bound before start-up completes, so a port in use fails the start with one clear line.
        _listener = new TcpListener(_listen);
        try
        {
            _listener.Start(backlog: 256);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"FastAGI cannot listen on {_listen} (Asterisk:FastAgi:Listen): {ex.Message}", ex);
        }
        _log.LogInformation("FastAGI listening on {Listen}", LocalEndPoint);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (stoppingToken.IsCancellationRequested) break;
                // Out of file descriptors (EMFILE) and the like persist: a short pause, not a spinning loop.
                _log.LogWarning(ex, "FastAGI accept failed; listening on after {Backoff} ms", AcceptBackoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(AcceptBackoff, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            if (!Admit(client)) continue;
            _ = Task.Run(() => StartSessionAsync(client, stoppingToken), CancellationToken.None);
        }
    }

    // The checks at accept: the peer's address, then the connection count (pending and live). A refused connection is closed at once.
    private bool Admit(TcpClient client)
    {
        var remote = client.Client.RemoteEndPoint as IPEndPoint;
        string? refused = null;
        if (remote is null || !_limits.Allows(remote.Address)) refused = "peer";
        else if (Interlocked.Increment(ref _connections) > _limits.MaxConnections)
        {
            Interlocked.Decrement(ref _connections);
            refused = "limit";
        }
        if (refused is null) return true;
        _metrics.Error(refused);
        _log.LogWarning("FastAGI connection from {Remote} refused: {Reason}", remote,
            refused == "peer" ? "not in Asterisk:FastAgi:AllowedPeers" : $"over Asterisk:FastAgi:MaxConnections ({_limits.MaxConnections})");
        client.Dispose();
        return false;
    }

    private async Task StartSessionAsync(TcpClient client, CancellationToken stoppingToken)
    {
        AgiConnection? connection = null;
        var handed = false;
        var remote = client.Client.RemoteEndPoint;
        try
        {
            client.NoDelay = true;
            // A half-open connection (Asterisk's host gone without a FIN) is found by the kernel, not kept forever.
            client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            connection = new AgiConnection(client.GetStream(), _time, _limits.ReplyTimeout, Released);
            AgiEnvironment environment;
            using (var deadline = new CancellationTokenSource(_limits.EnvironmentTimeout, _time))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token))
            {
                environment = await connection.ReadEnvironmentAsync(timeout.Token).ConfigureAwait(false);
            }
            _metrics.SessionStarted();
            _log.LogInformation("FastAGI session from {Remote}: channel {Channel}, script {Script}", remote, environment.Channel, environment.Script);
            _handler.Accept(new AgiSession(connection, environment, remote));
            handed = true;
        }
        catch (Exception ex) when (ex is AgiProtocolException or IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            var reason = ex switch
            {
                AgiProtocolException => "environment",
                OperationCanceledException => "timeout",
                _ => "closed",
            };
            _metrics.Error(reason);
            _log.LogWarning("FastAGI connection from {Remote} closed: bad environment ({Reason}: {Message})", remote, reason, ex.Message);
        }
        catch (Exception ex)
        {
            _metrics.Error("internal");
            _log.LogError(ex, "FastAGI connection from {Remote} failed", remote);
        }
        finally
        {
            if (!handed)
            {
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                else Released();
                client.Dispose();
            }
        }
    }

    private void Released() => Interlocked.Decrement(ref _connections);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Stop();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// The FastAGI listener: Asterisk's <c>AGI(agi://host:port/flow)</c> connects here, one TCP connection per channel. The
/// environment is read (bounded in size and time); a connection that sends anything else is logged, counted and closed.
/// A good session goes to the <see cref="IAgiSessionHandler"/>. Connections are independent: one bad peer hurts no other.
/// </summary>
public sealed class FastAgiServer : BackgroundService
{
    private readonly IPEndPoint _listen;
    private readonly IAgiSessionHandler _handler;
    private readonly AgiMetrics _metrics;
    private readonly TimeSpan _environmentTimeout;
    private readonly TimeSpan _replyTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private TcpListener? _listener;

    /// <summary>
    /// Listens on <paramref name="listen"/> and hands sessions to <paramref name="handler"/>; an environment must arrive
    /// within <paramref name="environmentTimeout"/>, each reply within <paramref name="replyTimeout"/> (beyond what its
    /// command lasts), both on <paramref name="time"/>.
    /// </summary>
    public FastAgiServer(IPEndPoint listen, IAgiSessionHandler handler, AgiMetrics metrics, TimeSpan environmentTimeout, ILogger<FastAgiServer> log,
        TimeSpan? replyTimeout = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(metrics);
        _listen = listen;
        _handler = handler;
        _metrics = metrics;
        _environmentTimeout = environmentTimeout;
        _replyTimeout = replyTimeout ?? AgiConnection.DefaultReplyTimeout;
        _time = time ?? TimeProvider.System;
        _log = log;
    }

    /// <summary>Where the server listens (the bound port once started, when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listener?.LocalEndpoint ?? _listen;

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
                _log.LogWarning(ex, "FastAGI accept failed; listening on");
                continue;
            }
            _ = Task.Run(() => StartSessionAsync(client, stoppingToken), CancellationToken.None);
        }
    }

    private async Task StartSessionAsync(TcpClient client, CancellationToken stoppingToken)
    {
        client.NoDelay = true;
        // A half-open connection (Asterisk's host gone without a FIN) is found by the kernel, not kept forever.
        client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
        client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
        client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        var remote = client.Client.RemoteEndPoint;
        var connection = new AgiConnection(client.GetStream(), _time, _replyTimeout);
        using var deadline = new CancellationTokenSource(_environmentTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token);
        AgiEnvironment environment;
        try
        {
            environment = await connection.ReadEnvironmentAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AgiProtocolException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            var reason = ex switch
            {
                AgiProtocolException => "environment",
                OperationCanceledException => "timeout",
                _ => "closed",
            };
            _metrics.Error(reason);
            _log.LogWarning("FastAGI connection from {Remote} closed: bad environment ({Reason}: {Message})", remote, reason, ex.Message);
            await connection.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
            return;
        }
        _metrics.SessionStarted();
        _log.LogInformation("FastAGI session from {Remote}: channel {Channel}, script {Script}", remote, environment.Channel, environment.Script);
        _handler.Accept(new AgiSession(connection, environment, remote));
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Stop();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}

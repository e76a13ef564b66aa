using System.Net;
using System.Net.Sockets;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// A TCP relay on 127.0.0.1 put between a SIP peer and the engine: it forwards bytes both ways unchanged and keeps a copy
/// of everything that crossed it, so a test can look at what was on the wire (for TLS: that it was not plaintext SIP).
/// </summary>
internal sealed class RecordingTcpRelay : IAsyncDisposable
{
    private const int MaxRecorded = 4 * 1024 * 1024;
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _toTarget = new();
    private readonly MemoryStream _fromTarget = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _connections;

    public RecordingTcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where the peer connects.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Connections the peer opened through the relay.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The bytes the peer sent toward the target, in order.</summary>
    public byte[] ToTarget
    {
        get
        {
            lock (_toTarget) return _toTarget.ToArray();
        }
    }

    /// <summary>The bytes the target sent back to the peer, in order.</summary>
    public byte[] FromTarget
    {
        get
        {
            lock (_fromTarget) return _fromTarget.ToArray();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient peer;
            try
            {
                peer = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            var target = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                await target.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                peer.Dispose();
                target.Dispose();
                continue;
            }
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(peer, target, _toTarget));
                _pumps.Add(PumpAsync(target, peer, _fromTarget));
            }
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, MemoryStream record)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                lock (record)
                {
                    if (record.Length + n <= MaxRecorded) record.Write(buffer, 0, n);
                }
                await to.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            // One side closed: close both, as the peers would see on a direct connection.
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        Task[] pumps;
        lock (_pumps) pumps = [.. _pumps];
        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _toTarget.Dispose();
        _fromTarget.Dispose();
    }
}

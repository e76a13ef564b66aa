using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ivr.Tests.Media;

/// <summary>
/// A plain UDP receiver on its own thread (blocking reads, not the thread pool), timestamping each RTP packet as it is
/// read: pacing measured here does not depend on how busy the test process's thread pool is, only on the sender.
/// </summary>
internal sealed class BlockingRtpSniffer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private readonly List<(long At, int Payload, uint Timestamp)> _packets = [];
    private volatile bool _stopped;

    public BlockingRtpSniffer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveTimeout = 100;
        _thread = new Thread(Run) { IsBackground = true, Name = "rtp-sniffer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public int Count
    {
        get
        {
            lock (_gate) return _packets.Count;
        }
    }

    public List<(long At, int Payload, uint Timestamp)> Snapshot()
    {
        lock (_gate) return [.. _packets];
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        _socket.Dispose();
    }

    private void Run()
    {
        var buffer = new byte[2048];
        while (!_stopped)
        {
            int n;
            try
            {
                n = _socket.Receive(buffer);
            }
            catch (SocketException)
            {
                continue;
            }
            var at = Stopwatch.GetTimestamp();
            if (n < 12) continue;
            lock (_gate) _packets.Add((at, n - 12, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4))));
        }
    }
}

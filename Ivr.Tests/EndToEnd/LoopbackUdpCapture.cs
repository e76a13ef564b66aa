using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Copies of the UDP datagrams delivered to 127.0.0.1, read from a raw IPv4 socket (Linux hands every incoming UDP
/// datagram to raw UDP sockets as well; needs root, as sipp's raw DTMF already does here). Keeps at most
/// <see cref="Capacity"/> of the datagrams its filter selects (the machine's other tests send thousands a second); stops on
/// dispose.
/// </summary>
internal sealed class LoopbackUdpCapture : IDisposable
{
    /// <summary>Most datagrams kept.</summary>
    public const int Capacity = 20_000;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<UdpDatagram> _datagrams = [];
    private readonly Func<int, int, bool> _keep;
    private readonly Task _loop;

    private LoopbackUdpCapture(Socket socket, Func<int, int, bool> keep)
    {
        _socket = socket;
        _keep = keep;
        _loop = ReadLoopAsync();
    }

    /// <summary>Opens the raw socket and starts keeping the datagrams for which <paramref name="keep"/>(source port, destination port) holds.</summary>
    public static LoopbackUdpCapture Start(Func<int, int, bool> keep)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new LoopbackUdpCapture(socket, keep);
    }

    /// <summary>What was captured so far, in arrival order.</summary>
    public IReadOnlyList<UdpDatagram> Snapshot()
    {
        lock (_datagrams) return [.. _datagrams];
    }

    /// <summary>Stops reading and closes the socket.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            // IPv4 header (IHL words), then the 8-byte UDP header: source port, destination port, length, checksum.
            var ipHeader = (buffer[0] & 0x0F) * 4;
            if (length < ipHeader + 8) continue;
            var source = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ipHeader));
            var destination = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ipHeader + 2));
            if (!_keep(source, destination)) continue;
            var payload = buffer.AsSpan(ipHeader + 8, length - ipHeader - 8).ToArray();
            lock (_datagrams)
            {
                if (_datagrams.Count < Capacity) _datagrams.Add(new UdpDatagram(source, destination, payload));
            }
        }
    }
}

/// <summary>One captured UDP datagram on 127.0.0.1: ports and payload.</summary>
internal sealed record UdpDatagram(int SourcePort, int DestinationPort, byte[] Payload);

using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public sealed class RtpPortAllocatorTests
{
    [Fact]
    public void Allocate_ReturnsBoundSocketsOnDistinctEvenPortsInRange()
    {
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 31001, 31999);
        var sockets = Enumerable.Range(0, 20).Select(_ => allocator.Allocate()).ToList();
        try
        {
            var ports = sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToList();
            Assert.All(ports, p => Assert.True(p % 2 == 0 && p is >= 31002 and <= 31999, $"port {p}"));
            Assert.Equal(ports.Count, ports.Distinct().Count());
            Assert.All(sockets, s => Assert.Equal(IPAddress.Loopback, ((IPEndPoint)s.LocalEndPoint!).Address));
            Assert.Equal(20, allocator.InUse);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Allocate_PortHeldElsewhere_IsSkipped()
    {
        using var holder = BindEvenPort(32000, 32998, out var held);
        var allocator = new RtpPortAllocator(IPAddress.Loopback, held, held + 2);

        using var socket = allocator.Allocate();

        Assert.Equal(held + 2, ((IPEndPoint)socket.LocalEndPoint!).Port);
    }

    [Fact]
    public void Allocate_RangeExhausted_ThrowsUntilAPortIsReleased()
    {
        using var probe = BindEvenPort(33000, 33998, out var port);
        probe.Dispose();
        var allocator = new RtpPortAllocator(IPAddress.Loopback, port, port + 1);
        var first = allocator.Allocate();

        Assert.Throws<InvalidOperationException>(() => allocator.Allocate());
        first.Dispose();
        allocator.Release(port);
        using var again = allocator.Allocate();

        Assert.Equal(port, ((IPEndPoint)again.LocalEndPoint!).Port);
    }

    [Fact]
    public void Allocate_FromManyThreads_NeverHandsOutAPortTwice()
    {
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 34000, 35999);
        var sockets = new Socket[200];
        try
        {
            Parallel.For(0, sockets.Length, i => sockets[i] = allocator.Allocate());

            var ports = sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToList();
            Assert.Equal(sockets.Length, ports.Distinct().Count());
            Assert.Equal(sockets.Length, allocator.InUse);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    [Fact]
    public void Constructor_RangeWithoutEvenPort_Throws() =>
        Assert.Throws<ArgumentException>(() => new RtpPortAllocator(IPAddress.Loopback, 40001, 40001));

    private static Socket BindEvenPort(int from, int to, out int port)
    {
        for (port = from; port <= to; port += 2)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }

        throw new InvalidOperationException("No free port to test with.");
    }
}

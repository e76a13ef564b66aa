using System.Net;
using System.Net.Sockets;

namespace Ivr.Engine.Media;

/// <summary>
/// Hands out UDP sockets bound to even ports of a range (RFC 3550 §11: RTP on an even port, RTCP on the next odd
/// one), skipping ports another process holds and cycling through the range so a released port is not reused at
/// once (late packets of the previous call would land in the next). Thread-safe; used per call, never per packet.
/// </summary>
public sealed class RtpPortAllocator
{
    /// <summary>Lowest port of the default range.</summary>
    public const int DefaultMinPort = 10000;

    /// <summary>Highest port of the default range.</summary>
    public const int DefaultMaxPort = 20000;

    private const int ReceiveBufferBytes = 256 * 1024;

    private readonly Lock _gate = new();
    private readonly HashSet<int> _allocated = [];
    private int _next;

    /// <summary>Creates an allocator for even ports in [<paramref name="minPort"/>, <paramref name="maxPort"/>] on <paramref name="bindAddress"/> (127.0.0.1 by default).</summary>
    public RtpPortAllocator(IPAddress? bindAddress = null, int minPort = DefaultMinPort, int maxPort = DefaultMaxPort)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPort, IPEndPoint.MaxPort);
        var first = minPort + (minPort & 1);
        if (first > maxPort)
        {
            throw new ArgumentException($"No even port in {minPort}-{maxPort}.", nameof(maxPort));
        }

        BindAddress = bindAddress ?? IPAddress.Loopback;
        MinPort = first;
        MaxPort = maxPort;
        _next = first;
    }

    /// <summary>The address every socket is bound to.</summary>
    public IPAddress BindAddress { get; }

    /// <summary>Lowest even port handed out.</summary>
    public int MinPort { get; }

    /// <summary>Highest port of the range (inclusive).</summary>
    public int MaxPort { get; }

    /// <summary>Number of even ports in the range.</summary>
    public int Capacity => ((MaxPort - MinPort) / 2) + 1;

    /// <summary>Ports currently handed out by this allocator.</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _allocated.Count;
            }
        }
    }

    /// <summary>
    /// Binds a UDP socket to the next free even port; throws <see cref="InvalidOperationException"/> when every port of
    /// the range is taken (by this allocator or by anyone else). Give the port back with <see cref="Release(int)"/>.
    /// </summary>
    public Socket Allocate()
    {
        lock (_gate)
        {
            for (var attempt = 0; attempt < Capacity; attempt++)
            {
                var port = _next;
                _next = port + 2 > MaxPort ? MinPort : port + 2;
                if (_allocated.Contains(port))
                {
                    continue;
                }

                var socket = new Socket(BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    socket.ReceiveBufferSize = ReceiveBufferBytes;
                    socket.Bind(new IPEndPoint(BindAddress, port));
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
                {
                    // Held by another process (or another allocator): skip it.
                    socket.Dispose();
                    continue;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                _allocated.Add(port);
                return socket;
            }
        }

        throw new InvalidOperationException($"No free even UDP port in {MinPort}-{MaxPort} on {BindAddress}.");
    }

    /// <summary>Returns <paramref name="port"/> to the pool (the caller has closed its socket); unknown ports are ignored.</summary>
    public void Release(int port)
    {
        lock (_gate)
        {
            _allocated.Remove(port);
        }
    }
}

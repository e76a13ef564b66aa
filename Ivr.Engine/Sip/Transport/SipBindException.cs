using System.Net;
using System.Net.Sockets;

namespace Ivr.Engine.Sip.Transport;

/// <summary>A SIP channel could not take its address: another process holds the port, the address is not this machine's, or the port is privileged.</summary>
public sealed class SipBindException : IOException
{
    /// <summary>Describes the failed bind of <paramref name="protocol"/> on <paramref name="endPoint"/>.</summary>
    public SipBindException(SipProtocol protocol, IPEndPoint endPoint, SocketException cause)
        : base($"SIP {Name(protocol)} {endPoint}: {Reason(cause)}", cause)
    {
        Protocol = protocol;
        EndPoint = endPoint;
    }

    /// <summary>The transport that failed to bind.</summary>
    public SipProtocol Protocol { get; }

    /// <summary>The address and port asked for.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The kind of failure, from the socket error.</summary>
    public SocketError Error => ((SocketException)InnerException!).SocketErrorCode;

    private static string Name(SipProtocol protocol) => protocol.ToString().ToUpperInvariant();

    private static string Reason(SocketException cause) => cause.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "not an address of this machine",
        SocketError.AccessDenied => "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        _ => cause.Message,
    };
}

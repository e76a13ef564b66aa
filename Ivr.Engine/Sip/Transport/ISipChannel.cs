namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// A socket that carries SIP messages — the seam between the SIP stack and the network (shaped like SIPSorcery's
/// <c>SIPChannel</c>), so tests can drive the stack in-process and another stack could replace ours.
/// </summary>
public interface ISipChannel : IAsyncDisposable
{
    /// <summary>The protocol this channel speaks.</summary>
    SipProtocol Protocol { get; }

    /// <summary>The bound local address (with the real port when 0 was asked for).</summary>
    SipEndPoint LocalEndPoint { get; }

    /// <summary>Binds and starts receiving; every complete message goes to <paramref name="handler"/>.</summary>
    Task StartAsync(SipDatagramHandler handler, CancellationToken cancellationToken);

    /// <summary>Sends one serialized message to <paramref name="remote"/> (opening a connection for stream transports when needed).</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, SipEndPoint remote, CancellationToken cancellationToken);
}

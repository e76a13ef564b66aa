using System.Net;

namespace Ivr.Engine.Asterisk;

/// <summary>A FastAGI connection from Asterisk with its environment read: one channel, one script run.</summary>
/// <param name="Connection">The connection, for commands.</param>
/// <param name="Environment">What Asterisk said about the channel.</param>
/// <param name="Remote">The Asterisk that connected.</param>
public sealed record AgiSession(AgiConnection Connection, AgiEnvironment Environment, EndPoint? Remote) : IAsyncDisposable
{
    /// <summary>The call id the engine gives the channel: <c>agi-</c> and Asterisk's unique id.</summary>
    public string CallId => "agi-" + Environment.UniqueId;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

using System.Net;

namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// What a stream channel asks about a source when it accepts a connection, before any TLS handshake: is it banned, and
/// how many connections may it hold. The stack's per-source guard answers; the channel knows nothing more of it.
/// </summary>
public interface ISipSourceGate
{
    /// <summary>True while <paramref name="source"/> is banned: its connections are closed at once.</summary>
    bool IsBanned(IPAddress source);

    /// <summary>Connections <paramref name="source"/> may hold open at once; 0: no limit (a trusted source).</summary>
    int ConnectionLimit(IPAddress source);
}

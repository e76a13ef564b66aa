using Akka.Actor;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip.Registrar;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>What a node's <see cref="ClusterRouterPeer"/> needs.</summary>
/// <param name="Router">The router's shard region.</param>
/// <param name="Calls">The node's call manager (its calls re-announce themselves).</param>
/// <param name="Status">The node's router status, which the router's snapshots replace.</param>
/// <param name="Node">This node's cluster address (the key of its announced registrations).</param>
public sealed record ClusterRouterPeerSettings(IActorRef Router, IActorRef Calls, RouterStatus Status, string Node)
{
    /// <summary>The node's callback dialer (its attempts in flight re-announce themselves); null: none.</summary>
    public IActorRef? Dialer { get; init; }

    /// <summary>The node's registrar, whose registrations the router learns; null: no registrar.</summary>
    public IAgentContacts? Contacts { get; init; }

    /// <summary>How often the peer greets the router (which also restarts it on a survivor after its node was lost).</summary>
    public TimeSpan HelloInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Loggers.</summary>
    public required ILoggerFactory Logging { get; init; }
}

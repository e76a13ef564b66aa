using Akka.Actor;
using Akka.Cluster.Sharding;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// Starts the skill router as the cluster's one sharded entity (<see cref="ClusterRouterExtractor"/>) and, on every node,
/// the router peer that re-announces what lives on the node when the entity starts again elsewhere.
/// </summary>
public static class ClusterRouting
{
    /// <summary>The shard region's type name (the same on every node).</summary>
    public const string TypeName = "router";

    /// <summary>The name of each node's <see cref="ClusterRouterGateway"/> under <c>/user</c>.</summary>
    public const string GatewayName = "router-gateway";

    /// <summary>The name of each node's <see cref="ClusterRouterPeer"/> under <c>/user</c>.</summary>
    public const string PeerName = "router-peer";

    /// <summary>The path of each node's router peer under its address.</summary>
    public const string PeerPath = "/user/" + PeerName;

    /// <summary>
    /// Starts this node's shard region for the router with this node's <paramref name="settings"/> as the entity's props
    /// (whichever node the coordinator places it on uses its own stores and callback dialer); returns the way to it, which
    /// call actors tell exactly as they told the local router (through the node's <see cref="ClusterRouterGateway"/>, which switches to a
    /// proxy when the node drains). Each new incarnation takes <paramref name="currentAgents"/>'s
    /// config when given (the agents file as last hot-reloaded, dial plan included), not the one captured at this node's start.
    /// </summary>
    public static IActorRef StartRegion(ActorSystem system, SkillRouterSettings settings, ILogger log, Func<AgentsConfig?>? currentAgents = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        // The dialer's attempts report to the region, so they reach the router wherever it runs next (handoff, node lost).
        var regionHolder = new RegionHolder();
        var dialer = settings.Dialer is { } calls
            ? system.ActorOf(ClusterCallbackDialer.Props(calls, regionHolder), "cluster-callback-dialer")
            : null;
        var entity = settings with
        {
            Dialer = dialer,
            // Registrations come from every node's announcements, not this node's registrar alone.
            RegisteredContact = null,
            Cluster = new RouterClusterSettings(PeerPath),
        };
        var sharding = ClusterShardingSettings.Create(system);
        var region = ClusterSharding.Get(system).Start(
            TypeName,
            _ => SkillRouter.Props(entity with { Agents = currentAgents?.Invoke() ?? entity.Agents }),
            sharding,
            new ClusterRouterExtractor());
        // A proxy beside the region: a draining node hands its region's shard off and reaches the router through it.
        var proxy = ClusterSharding.Get(system).StartProxy(TypeName, sharding.Role, new ClusterRouterExtractor());
        var gateway = system.ActorOf(ClusterRouterGateway.Props(region, proxy, log), GatewayName);
        regionHolder.Region = gateway;
        log.LogInformation("Router: one sharded entity for the whole centre (region {Region})", region.Path);
        return gateway;
    }

    /// <summary>Starts this node's router peer (<see cref="PeerPath"/>).</summary>
    public static IActorRef StartPeer(ActorSystem system, ClusterRouterPeerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.ActorOf(ClusterRouterPeer.Props(settings), PeerName);
    }

    /// <summary>Where the dialer forwarder finds the region (set once the region started, before any callback is dialled).</summary>
    internal sealed class RegionHolder
    {
        public IActorRef Region { get; set; } = ActorRefs.Nobody;
    }
}

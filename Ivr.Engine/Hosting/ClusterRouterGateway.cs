using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// This node's way to the cluster's router: forwards every message (sender kept) to the node's shard region, and from the
/// moment the node drains (<see cref="HandOffRouter"/>) to a shard region proxy instead, after asking the region to hand its
/// shard off (<see cref="GracefulShutdown"/>). The router then starts on another node at once, while the draining node's own
/// calls still reach it (and re-announce to it) through the proxy until the last of them ends.
/// </summary>
public sealed class ClusterRouterGateway : ReceiveActor
{
    private readonly IActorRef _region;
    private readonly IActorRef _proxy;
    private readonly ILogger _log;
    private IActorRef _target;
    private bool _handingOff;

    /// <summary>Registers the handlers.</summary>
    public ClusterRouterGateway(IActorRef region, IActorRef proxy, ILogger log)
    {
        _region = region;
        _proxy = proxy;
        _log = log;
        _target = region;
        Receive<HandOffRouter>(_ => HandOff());
        Receive<Terminated>(t => t.ActorRef.Equals(_region), _ =>
            _log.LogInformation("Router: this node's shard region stopped; the router runs on another node, reached through the proxy"));
        ReceiveAny(m => _target.Forward(m));
    }

    /// <summary>The props of a node's gateway over its <paramref name="region"/> and <paramref name="proxy"/>.</summary>
    public static Props Props(IActorRef region, IActorRef proxy, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(log);
        return Akka.Actor.Props.Create(() => new ClusterRouterGateway(region, proxy, log));
    }

    private void HandOff()
    {
        if (_handingOff) return;
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        // Alone, the node keeps the router until it exits: handing the shard off would leave its own waiting callers with no
        // router at all for the rest of the drain.
        if (!cluster.State.Members.Any(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress)))
        {
            _log.LogInformation("Router: no other member is up; the router stays on this node until it exits");
            return;
        }
        _handingOff = true;
        _target = _proxy;
        Context.Watch(_region);
        // The coordinator allocates no shard to a region shutting down gracefully: the router's next message (a call's, or
        // a peer's greeting within a second) starts it on another node, whose new incarnation has every node re-announce.
        _region.Tell(GracefulShutdown.Instance);
        _log.LogInformation("Router: this node drains; its shard region hands the router off to another node");
    }
}

using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// This node's way to the cluster's router: forwards every message (sender kept) to the node's shard region, and from the
/// moment the node drains (<see cref="HandOffRouter"/>) to a shard region proxy instead, after asking the region to hand its
/// shard off (<see cref="GracefulShutdown"/>). It hands off only when another member can take the router: Up, reachable and
/// not draining itself (asked with <see cref="GetRouterGatewayState"/>), and no member unreachable; otherwise the router stays
/// here and the gateway asks again on every member coming up and every few seconds while the drain lasts. Between the hand-off
/// request and the region's end, messages wait (stashed, bounded) so none overtakes one still buffered in the region.
/// </summary>
public sealed class ClusterRouterGateway : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private const string RetryTimer = "retry";
    private const string ReplyTimer = "reply";
    private const string HandOffTimer = "hand-off";
    private readonly IActorRef _region;
    private readonly IActorRef _proxy;
    private readonly ILogger _log;
    private readonly ClusterRouterGatewayTimings _timings;
    private IActorRef _target;
    private bool _draining;
    private bool _asking;

    /// <summary>Registers the handlers.</summary>
    public ClusterRouterGateway(IActorRef region, IActorRef proxy, ILogger log, ClusterRouterGatewayTimings timings)
    {
        _region = region;
        _proxy = proxy;
        _log = log;
        _timings = timings;
        _target = region;
        Forwarding();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>The props of a node's gateway over its <paramref name="region"/> and <paramref name="proxy"/>.</summary>
    public static Props Props(IActorRef region, IActorRef proxy, ILogger log, ClusterRouterGatewayTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(log);
        var t = timings ?? ClusterRouterGatewayTimings.Default;
        return Akka.Actor.Props.Create(() => new ClusterRouterGateway(region, proxy, log, t));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.Watch(_region);
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.ReachableMember));
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    private void Forwarding()
    {
        Receive<HandOffRouter>(_ => OnHandOffRouter());
        Receive<GetRouterGatewayState>(_ => Sender.Tell(new RouterGatewayState(_draining)));
        Receive<RouterGatewayState>(OnState);
        Receive<AskAgain>(_ => Ask());
        Receive<RepliesDue>(_ => OnRepliesDue());
        Receive<ClusterEvent.MemberUp>(_ => Ask());
        Receive<ClusterEvent.ReachableMember>(_ => Ask());
        Receive<Terminated>(t => t.ActorRef.Equals(_region), _ => OnRegionStopped("stopped"));
        ReceiveAny(m => _target.Forward(m));
    }

    private void HandingOff()
    {
        Receive<GetRouterGatewayState>(_ => Sender.Tell(new RouterGatewayState(true)));
        Receive<Terminated>(t => t.ActorRef.Equals(_region), _ => OnRegionStopped("handed the router off"));
        Receive<HandOffTimedOut>(_ =>
        {
            _log.LogWarning("Router: this node's shard region did not stop within {Timeout}; messages go to the proxy anyway", _timings.HandOffTimeout);
            SwitchToProxy();
        });
        Receive<HandOffRouter>(_ => { });
        Receive<RouterGatewayState>(_ => { });
        Receive<AskAgain>(_ => { });
        Receive<RepliesDue>(_ => { });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.ReachableMember>(_ => { });
        ReceiveAny(_ => Stash.Stash());
    }

    private void OnHandOffRouter()
    {
        if (_draining) return;
        _draining = true;
        Ask();
        Timers.StartPeriodicTimer(RetryTimer, AskAgain.Instance, _timings.RetryInterval);
    }

    /// <summary>Asks every member that could take the router whether it drains itself; the first "no" hands off.</summary>
    private void Ask()
    {
        if (!_draining || _asking || !_target.Equals(_region)) return;
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var state = cluster.State;
        // A rebalance waits for every region's acknowledgement: with a member unreachable the shard would hang in between.
        if (state.Unreachable.Count > 0)
        {
            _log.LogInformation("Router: {Count} member(s) unreachable; the router stays on this node for now", state.Unreachable.Count);
            return;
        }
        var candidates = Candidates(cluster).ToList();
        if (candidates.Count == 0)
        {
            _log.LogInformation("Router: no other member is up; the router stays on this node until one comes up or it exits");
            return;
        }
        _asking = true;
        foreach (var member in candidates)
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / ClusterRouting.GatewayName).Tell(GetRouterGatewayState.Instance);
        Timers.StartSingleTimer(ReplyTimer, RepliesDue.Instance, _timings.ReplyWait);
    }

    private void OnState(RouterGatewayState m)
    {
        if (!_asking || m.Draining) return;
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        // Still a fit target now (not gone or unreachable since it answered)?
        if (cluster.State.Unreachable.Count > 0 || !Candidates(cluster).Any(c => c.Address.Equals(Sender.Path.Address))) return;
        _asking = false;
        Timers.Cancel(ReplyTimer);
        Timers.Cancel(RetryTimer);
        // The coordinator allocates no shard to a region shutting down gracefully: the router's next message (a call's, or
        // a peer's greeting within a second) starts it on another node, whose new incarnation has every node re-announce.
        _region.Tell(GracefulShutdown.Instance);
        _log.LogInformation("Router: this node drains and {Member} does not; the shard region hands the router off", Sender.Path.Address);
        Timers.StartSingleTimer(HandOffTimer, HandOffTimedOut.Instance, _timings.HandOffTimeout);
        Become(HandingOff);
    }

    private void OnRepliesDue()
    {
        if (!_asking) return;
        _asking = false;
        _log.LogInformation("Router: every other member drains too (or did not answer); the router stays on this node for now");
    }

    private void OnRegionStopped(string why)
    {
        _log.LogInformation("Router: this node's shard region {Why}; the router runs on another node, reached through the proxy", why);
        SwitchToProxy();
    }

    private void SwitchToProxy()
    {
        if (_target.Equals(_proxy)) return;
        _target = _proxy;
        _asking = false;
        Timers.CancelAll();
        Become(Forwarding);
        Stash.UnstashAll();
    }

    private static IEnumerable<Member> Candidates(Akka.Cluster.Cluster cluster) =>
        cluster.State.Members.Where(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress)
            && !cluster.State.Unreachable.Contains(m));

    private sealed record AskAgain
    {
        public static AskAgain Instance { get; } = new();
    }

    private sealed record RepliesDue
    {
        public static RepliesDue Instance { get; } = new();
    }

    private sealed record HandOffTimedOut
    {
        public static HandOffTimedOut Instance { get; } = new();
    }
}

using Akka.Actor;

namespace Ivr.Engine.Hosting;

/// <summary>Hands this node's share of the router off to the other nodes (the node drains); once, later asks are ignored.</summary>
public sealed record HandOffRouter
{
    /// <summary>The one instance.</summary>
    public static HandOffRouter Instance { get; } = new();
}

/// <summary>
/// From a draining node's gateway to another member's: "could you take the router?". The answer is
/// <see cref="RouterGatewayState"/>; the asker has marked itself draining before it asks, so of two nodes that drain at the
/// same moment at least the later one hears "draining" and keeps the router.
/// </summary>
public sealed record GetRouterGatewayState
{
    /// <summary>The one instance.</summary>
    public static GetRouterGatewayState Instance { get; } = new();
}

/// <summary>A gateway's answer to <see cref="GetRouterGatewayState"/>: whether its node drains (then it takes no router).</summary>
/// <param name="Draining">True once the node's drain began.</param>
public sealed record RouterGatewayState(bool Draining);

/// <summary>How long a gateway waits for the others' answers, retries a kept router and waits for its region to stop.</summary>
/// <param name="ReplyWait">How long the others have to answer <see cref="GetRouterGatewayState"/>; no answer = no target.</param>
/// <param name="RetryInterval">How often a draining node that kept the router asks again (besides on a member coming up).</param>
/// <param name="HandOffTimeout">How long messages wait (stashed) for the region to stop before they go to the proxy anyway.</param>
public sealed record ClusterRouterGatewayTimings(TimeSpan ReplyWait, TimeSpan RetryInterval, TimeSpan HandOffTimeout)
{
    /// <summary>2 s for answers, a retry every 3 s, 10 s for the region's hand-off.</summary>
    public static ClusterRouterGatewayTimings Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));
}

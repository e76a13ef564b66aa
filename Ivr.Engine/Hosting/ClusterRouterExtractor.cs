using Akka.Cluster.Sharding;

namespace Ivr.Engine.Hosting;

/// <summary>
/// Maps every message sent to the router's shard region to the one entity of the whole centre, unwrapped: a call actor's
/// <c>Tell(…, Self)</c> reaches the router as it is, and the router's replies go straight to the (possibly remote) sender.
/// </summary>
/// <remarks>
/// One entity, not one per skill: agents span skills, and "the longest-idle ready agent at the best level" and "no agent
/// rung for two callers" need every line and every agent in one consistent place (see <c>docs/cluster-router.md</c>).
/// </remarks>
public sealed class ClusterRouterExtractor : IMessageExtractor
{
    /// <summary>The entity's id and its shard's id.</summary>
    public const string Centre = "centre";

    /// <inheritdoc />
    public string EntityId(object message) => Centre;

    /// <inheritdoc />
    public object EntityMessage(object message) => message;

    /// <inheritdoc />
    public string ShardId(object message) => Centre;

    /// <inheritdoc />
    public string ShardId(string entityId, object? messageHint = null) => Centre;
}

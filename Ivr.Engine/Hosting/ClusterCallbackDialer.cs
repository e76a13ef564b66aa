using Akka.Actor;
using Ivr.Engine.Routing.Live;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The router entity's callback dialer in a cluster: passes each <see cref="DialCallback"/> to the node's
/// <c>CallbackCalls</c> with the shard region as its sender, so the attempt reports to the router wherever it runs when
/// the attempt ends (it may have moved meanwhile).
/// </summary>
internal sealed class ClusterCallbackDialer : ReceiveActor
{
    /// <summary>Registers the handler.</summary>
    public ClusterCallbackDialer(IActorRef calls, ClusterRouting.RegionHolder region)
    {
        Receive<DialCallback>(m => calls.Tell(m, region.Region));
    }

    internal static Props Props(IActorRef calls, ClusterRouting.RegionHolder region) =>
        Akka.Actor.Props.Create(() => new ClusterCallbackDialer(calls, region));
}

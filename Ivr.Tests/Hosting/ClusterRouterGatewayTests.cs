using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Ivr.Engine.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Hosting;

/// <summary>
/// The node's way to the cluster's router on a real cluster actor system (loopback, port 0): probes stand for the shard
/// region and the proxy. A second real actor system joins when a test needs another member.
/// </summary>
public sealed class ClusterRouterGatewayTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output)
{
    private const string Config = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.loglevel = WARNING
        """;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public void Message_BeforeAnyDrain_GoesToTheRegion_WithItsSenderKept()
    {
        var region = CreateTestProbe();
        var proxy = CreateTestProbe();
        var call = CreateTestProbe();
        var gateway = Sys.ActorOf(ClusterRouterGateway.Props(region.Ref, proxy.Ref, NullLogger.Instance));

        gateway.Tell("enqueue", call.Ref);

        region.ExpectMsg("enqueue");
        Assert.Equal(call.Ref, region.LastSender);
        proxy.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task HandOff_AloneInTheCluster_KeepsTheRouterOnThisNode()
    {
        await JoinAsync(Sys, Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var region = CreateTestProbe();
        var proxy = CreateTestProbe();
        var gateway = Sys.ActorOf(ClusterRouterGateway.Props(region.Ref, proxy.Ref, NullLogger.Instance));

        gateway.Tell(HandOffRouter.Instance);
        gateway.Tell("enqueue");

        // No GracefulShutdown: the message after the hand-off request is the first the region gets.
        region.ExpectMsg("enqueue");
        proxy.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task HandOff_WithAnotherMemberUp_ShutsTheRegionDownGracefully_AndForwardsToTheProxy_Once()
    {
        var self = Akka.Cluster.Cluster.Get(Sys).SelfAddress;
        await JoinAsync(Sys, self);
        using var other = ActorSystem.Create(Sys.Name, ConfigurationFactory.ParseString(Config));
        try
        {
            await JoinAsync(other, self);
            await AwaitAssertAsync(() => Assert.Equal(2, Akka.Cluster.Cluster.Get(Sys).State.Members.Count(m => m.Status == MemberStatus.Up)), Bound);
            var region = CreateTestProbe();
            var proxy = CreateTestProbe();
            var call = CreateTestProbe();
            var gateway = Sys.ActorOf(ClusterRouterGateway.Props(region.Ref, proxy.Ref, NullLogger.Instance));

            gateway.Tell(HandOffRouter.Instance);
            gateway.Tell("enqueue", call.Ref);
            gateway.Tell(HandOffRouter.Instance);

            region.ExpectMsg<GracefulShutdown>();
            proxy.ExpectMsg("enqueue");
            Assert.Equal(call.Ref, proxy.LastSender);
            // Asked again (a second drain request): nothing more for the region.
            region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            await other.Terminate();
        }
    }

    /// <summary>Joins <paramref name="system"/> to the cluster at <paramref name="seed"/> and waits (bounded) until it is Up.</summary>
    private static async Task JoinAsync(ActorSystem system, Address seed)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(seed);
        await up.Task.WaitAsync(Bound);
    }
}

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
    public async Task HandOff_WithAnotherMemberUpAndNotDraining_ShutsTheRegionDown_StashesUntilItStops_ThenForwardsToTheProxy()
    {
        var self = await JoinSelfAsync();
        using var other = ActorSystem.Create(Sys.Name, ConfigurationFactory.ParseString(Config));
        try
        {
            await JoinAsync(other, self);
            await AwaitUpAsync(2);
            StartGateway(other, CreateTestProbe(other), CreateTestProbe(other));
            var region = CreateTestProbe();
            var proxy = CreateTestProbe();
            var call = CreateTestProbe();
            var gateway = StartGateway(Sys, region, proxy);

            gateway.Tell(HandOffRouter.Instance);
            region.ExpectMsg<GracefulShutdown>(Bound);
            gateway.Tell("enqueue", call.Ref);
            gateway.Tell(HandOffRouter.Instance);

            // Until the region stops, the message waits: it may not overtake one still buffered in the region.
            proxy.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
            Sys.Stop(region.Ref);
            proxy.ExpectMsg("enqueue", Bound);
            Assert.Equal(call.Ref, proxy.LastSender);
            // Asked again (a second drain request): nothing more for the region.
            region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task HandOff_WhenTheOnlyOtherMemberDrainsToo_KeepsTheRouterOnThisNode()
    {
        var self = await JoinSelfAsync();
        using var other = ActorSystem.Create(Sys.Name, ConfigurationFactory.ParseString(Config));
        try
        {
            await JoinAsync(other, self);
            await AwaitUpAsync(2);
            var otherGateway = StartGateway(other, CreateTestProbe(other), CreateTestProbe(other));
            otherGateway.Tell(HandOffRouter.Instance);
            await AwaitAssertAsync(async () => Assert.True((await otherGateway.Ask<RouterGatewayState>(GetRouterGatewayState.Instance, Bound)).Draining), Bound);
            var region = CreateTestProbe();
            var proxy = CreateTestProbe();
            var gateway = StartGateway(Sys, region, proxy);

            gateway.Tell(HandOffRouter.Instance);

            // Past the answer wait and a retry: still no GracefulShutdown, and messages still reach the router here.
            region.ExpectNoMsg(TimeSpan.FromSeconds(2));
            gateway.Tell("enqueue");
            region.ExpectMsg("enqueue");
            proxy.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task HandOff_TwoNodesDrainingAtOnce_LeaveAtLeastOneRegionWithTheRouter()
    {
        var self = await JoinSelfAsync();
        using var other = ActorSystem.Create(Sys.Name, ConfigurationFactory.ParseString(Config));
        try
        {
            await JoinAsync(other, self);
            await AwaitUpAsync(2);
            var otherRegion = CreateTestProbe(other);
            var otherGateway = StartGateway(other, otherRegion, CreateTestProbe(other));
            var region = CreateTestProbe();
            var gateway = StartGateway(Sys, region, CreateTestProbe());

            gateway.Tell(HandOffRouter.Instance);
            otherGateway.Tell(HandOffRouter.Instance);

            var here = region.ReceiveWhile(TimeSpan.FromSeconds(3), m => m);
            var there = otherRegion.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m);
            Assert.False(here.OfType<GracefulShutdown>().Any() && there.OfType<GracefulShutdown>().Any(),
                "both regions were shut down: the cluster would have no router for the whole drain");
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task HandOff_AloneThenAMemberComesUp_HandsOffToIt()
    {
        var self = await JoinSelfAsync();
        var region = CreateTestProbe();
        var gateway = StartGateway(Sys, region, CreateTestProbe());
        gateway.Tell(HandOffRouter.Instance);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        using var other = ActorSystem.Create(Sys.Name, ConfigurationFactory.ParseString(Config));
        try
        {
            StartGateway(other, CreateTestProbe(other), CreateTestProbe(other));
            await JoinAsync(other, self);

            region.ExpectMsg<GracefulShutdown>(Bound);
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task RegionStoppedWithoutADrain_MessagesGoToTheProxy()
    {
        await JoinSelfAsync();
        var region = CreateTestProbe();
        var proxy = CreateTestProbe();
        var gateway = StartGateway(Sys, region, proxy);

        Sys.Stop(region.Ref);

        await AwaitAssertAsync(() =>
        {
            gateway.Tell("enqueue");
            proxy.ExpectMsg("enqueue", TimeSpan.FromMilliseconds(200));
        }, Bound);
    }

    private static readonly ClusterRouterGatewayTimings Fast =
        new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

    /// <summary>A gateway under its real name (other nodes' gateways ask it by path) over <paramref name="region"/> and <paramref name="proxy"/>.</summary>
    private static IActorRef StartGateway(ActorSystem system, Akka.TestKit.TestProbe region, Akka.TestKit.TestProbe proxy) =>
        system.ActorOf(ClusterRouterGateway.Props(region.Ref, proxy.Ref, NullLogger.Instance, Fast), ClusterRouting.GatewayName);

    private async Task<Address> JoinSelfAsync()
    {
        var self = Akka.Cluster.Cluster.Get(Sys).SelfAddress;
        await JoinAsync(Sys, self);
        return self;
    }

    private Task AwaitUpAsync(int members) =>
        AwaitAssertAsync(() => Assert.Equal(members, Akka.Cluster.Cluster.Get(Sys).State.Members.Count(m => m.Status == MemberStatus.Up)), Bound);

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

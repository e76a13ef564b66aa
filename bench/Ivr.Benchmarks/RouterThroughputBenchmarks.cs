using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Ivr.Engine.Hosting;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;

namespace Ivr.Benchmarks;

/// <summary>
/// How many routing decisions one router actor makes per second, the reason one entity can serve the whole centre: each
/// operation is one decision cycle ("the agent's call ends, the head of a 1,000-caller line is delivered to it and
/// answered, a new caller joins the tail", three messages), sent <see cref="Cycles"/> at a time without waiting, then one
/// ask. <see cref="ViaShardRegion"/> sends them through a one-node cluster's shard region to the sharded router entity
/// (what call actors do in a cluster; no network hop), else straight to a local router.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class RouterThroughputBenchmarks
{
    private const int Waiters = 1000;
    private const int Cycles = 1000;
    private ActorSystem _system = null!;
    private IActorRef _router = null!;
    private IActorRef _calls = null!;
    private int _talking;
    private int _next;

    /// <summary>Through the cluster's shard region (true) or to a local router actor (false).</summary>
    [Params(false, true)]
    public bool ViaShardRegion { get; set; }

    /// <summary>Starts the router (local, or the sharded entity of a one-node cluster), queues 1,000 callers, connects the first.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var hocon = "akka.loglevel = OFF\nakka.stdout-loglevel = OFF\n";
        if (ViaShardRegion)
        {
            hocon += ClusterHosting.SerializationHocon + """

                akka.actor.provider = cluster
                akka.remote.dot-netty.tcp.hostname = 127.0.0.1
                akka.remote.dot-netty.tcp.port = 0
                akka.cluster.sharding.passivate-idle-entity-after = off
                """;
        }
        _system = ActorSystem.Create("ivr", ConfigurationFactory.ParseString(hocon));
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] }],
        };
        var settings = new SkillRouterSettings(agents, new RouterStatus()) { InitialState = AgentState.Away };
        if (ViaShardRegion)
        {
            var cluster = Akka.Cluster.Cluster.Get(_system);
            var up = new TaskCompletionSource();
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            cluster.Join(cluster.SelfAddress);
            up.Task.Wait(TimeSpan.FromSeconds(30));
            _router = ClusterSharding.Get(_system).Start(ClusterRouting.TypeName,
                _ => SkillRouter.Props(settings with { Cluster = new RouterClusterSettings(ClusterRouting.PeerPath) { RebuildWindow = TimeSpan.Zero } }),
                ClusterShardingSettings.Create(_system), new ClusterRouterExtractor());
        }
        else
        {
            _router = _system.ActorOf(SkillRouter.Props(settings));
        }
        _calls = _system.ActorOf(Props.Create(() => new CallSink()));
        for (var i = 0; i < Waiters; i++) _router.Tell(new EnqueueCaller(Id(i), "billing", 5), _calls);
        _router.Ask<AgentStateResult>(new SetAgentState("a1", AgentState.Ready), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        _router.Tell(new AgentAnswered(Id(0), "a1"));
        _talking = 0;
        _next = Waiters;
        _router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    /// <summary><see cref="Cycles"/> decision cycles sent back to back, then one ask: the time per decision.</summary>
    [Benchmark(OperationsPerInvoke = Cycles)]
    public async Task Decisions()
    {
        for (var i = 0; i < Cycles; i++)
        {
            var head = _talking + 1;
            _router.Tell(new AgentCallEnded(Id(_talking), "a1"));
            _router.Tell(new AgentAnswered(Id(head), "a1"));
            _router.Tell(new EnqueueCaller(Id(_next++), "billing", 5), _calls);
            _talking = head;
        }
        await _router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>Stops the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().GetAwaiter().GetResult();

    private static string Id(int i) => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stands for every waiting call: drops place updates and deliveries (the benchmark answers for them).</summary>
    private sealed class CallSink : ReceiveActor
    {
        public CallSink() => ReceiveAny(_ => { });
    }
}

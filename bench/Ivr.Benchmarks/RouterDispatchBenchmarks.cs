using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;

namespace Ivr.Benchmarks;

/// <summary>
/// The live <see cref="SkillRouter"/> actor with 1,000 callers waiting for one skill: one dispatch cycle is "the agent's
/// call ends, the head of the line is delivered to it and answered, a new caller joins the tail" (three messages, then an
/// ask to wait for the router). The router's clock moves <see cref="ClockStepMs"/> per cycle, so 0 is a burst within one
/// second and 1000 makes every cycle a new second. The place updates sent per cycle are printed at the end.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class RouterDispatchBenchmarks
{
    private const int Waiters = 1000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private ActorSystem _system = null!;
    private IActorRef _router = null!;
    private IActorRef _calls = null!;
    private StepClock _clock = null!;
    private PushCounter _pushes = null!;
    private int _talking;
    private int _next;
    private long _cycles;

    /// <summary>How far the router's clock moves per cycle.</summary>
    [Params(0, 1000)]
    public int ClockStepMs { get; set; }

    /// <summary>Starts the router with one agent away, queues 1,000 callers, then lets the agent take the first.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF"));
        _clock = new StepClock(T0);
        _pushes = new PushCounter();
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] }],
        };
        _router = _system.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus()) { InitialState = AgentState.Away, Time = _clock }));
        _calls = _system.ActorOf(Props.Create(() => new CallSink(_pushes)));
        for (var i = 0; i < Waiters; i++) _router.Tell(new EnqueueCaller(Id(i), "billing", 5), _calls);
        _router.Ask<AgentStateResult>(new SetAgentState("a1", AgentState.Ready), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        _router.Tell(new AgentAnswered(Id(0), "a1"));
        _talking = 0;
        _next = Waiters;
        _router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    /// <summary>One dispatch cycle over a line of 1,000.</summary>
    [Benchmark]
    public async Task DispatchCycle()
    {
        _clock.Advance(TimeSpan.FromMilliseconds(ClockStepMs));
        var head = _talking + 1;
        _router.Tell(new AgentCallEnded(Id(_talking), "a1"));
        _router.Tell(new AgentAnswered(Id(head), "a1"));
        _router.Tell(new EnqueueCaller(Id(_next++), "billing", 5), _calls);
        _talking = head;
        _cycles++;
        await _router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Prints the place updates per cycle (the new caller's own reply included), then stops the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (_cycles > 0) Console.WriteLine($"// CallerQueued per cycle (step {ClockStepMs} ms): {_pushes.Count / (double)_cycles:0.00} over {_cycles} cycles");
        _system.Terminate().GetAwaiter().GetResult();
    }

    private static string Id(int i) => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A clock the benchmark moves by hand.</summary>
    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    }

    /// <summary>Counts the <see cref="CallerQueued"/> the router sends to the waiting calls.</summary>
    private sealed class PushCounter
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>Stands for every waiting call: counts place updates, drops deliveries (the benchmark answers for them).</summary>
    private sealed class CallSink : ReceiveActor
    {
        public CallSink(PushCounter pushes)
        {
            Receive<CallerQueued>(_ => pushes.Add());
            ReceiveAny(_ => { });
        }
    }
}

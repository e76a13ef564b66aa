using BenchmarkDotNet.Attributes;
using Ivr.Engine.Routing;

namespace Ivr.Benchmarks;

/// <summary>Routing decisions with 10,000 callers queued over 10 skills and 1,000 agents holding 3 skills each.</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private RouteSelector _selector = null!;
    private DateTimeOffset _now;
    private string[] _readyAgents = null!;
    private int _agent;

    /// <summary>Builds the queues and the pool; about half the agents are ready.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var pool = new AgentPool();
        for (var i = 0; i < 1000; i++)
        {
            var skills = Enumerable.Range(0, 3).Select(k => new AgentSkill($"skill{(i + k * 3) % 10}", random.Next(1, 6))).ToList();
            pool.Add(new Agent($"agent{i}", skills), T0.AddSeconds(random.Next(3600)), i % 2 == 0 ? AgentState.Ready : AgentState.Talking);
        }
        _selector = new RouteSelector(pool, [new OverflowRule("skill0", "skill1", TimeSpan.FromSeconds(60))]);
        for (var i = 0; i < 10_000; i++)
            _selector.Queue($"skill{i % 10}").Enqueue(new QueuedCaller($"caller{i}", random.Next(3), T0.AddSeconds(random.Next(3600))));
        _now = T0.AddHours(1);
        _readyAgents = [.. Enumerable.Range(0, 500).Select(i => $"agent{2 * i}")];
    }

    /// <summary>The agent for the head of one skill's line.</summary>
    [Benchmark]
    public RoutingDecision? SelectForQueue() => _selector.SelectForQueue("skill3", _now);

    /// <summary>The caller a newly ready agent should take, across its skills and overflow.</summary>
    [Benchmark]
    public RoutingDecision? SelectForAgent()
    {
        _agent = (_agent + 1) % _readyAgents.Length;
        return _selector.SelectForAgent(_readyAgents[_agent], _now);
    }

    /// <summary>A full cycle: decide, commit (dequeue and reserve), then put caller and agent back.</summary>
    [Benchmark]
    public void DecideCommitAndRestore()
    {
        var decision = _selector.SelectForQueue("skill5", _now)!;
        _selector.Commit(decision, _now);
        _selector.Agents.Release(decision.AgentId, _now);
        _selector.Queue(decision.QueueSkill).Enqueue(decision.Caller);
    }
}

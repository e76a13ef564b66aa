using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class RouteSelectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SelectForQueue_HeadGoesToBestAgent_CommitReservesAndDequeues()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("a", [new AgentSkill("sales", 1)]), T0, AgentState.Ready);
        pool.Add(new Agent("b", [new AgentSkill("sales", 3)]), T0.AddMinutes(1), AgentState.Ready);
        var selector = new RouteSelector(pool);
        selector.Queue("sales").Enqueue(new QueuedCaller("c1", 0, T0));
        selector.Queue("sales").Enqueue(new QueuedCaller("c2", 0, T0.AddSeconds(5)));

        var decision = selector.SelectForQueue("sales", T0.AddMinutes(2))!;
        selector.Commit(decision, T0.AddMinutes(2));

        Assert.Equal("c1", decision.Caller.Id);
        Assert.Equal("b", decision.AgentId);
        Assert.False(decision.Overflowed);
        Assert.Equal(AgentState.Reserved, pool.StateOf("b"));
        Assert.Equal(0, selector.Queue("sales").PositionOf("c2"));
    }

    [Fact]
    public void SelectForQueue_Overflow_OnlyAfterWaitingLongEnough()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("support-agent", [new AgentSkill("support", 1)]), T0, AgentState.Ready);
        var selector = new RouteSelector(pool, [new OverflowRule("sales", "support", TimeSpan.FromSeconds(60))]);
        selector.Queue("sales").Enqueue(new QueuedCaller("c1", 0, T0));

        Assert.Null(selector.SelectForQueue("sales", T0.AddSeconds(59)));
        var decision = selector.SelectForQueue("sales", T0.AddSeconds(60))!;

        Assert.True(decision.Overflowed);
        Assert.Equal("support-agent", decision.AgentId);
    }

    [Fact]
    public void SelectForAgent_PicksHighestPriorityThenOldestAcrossSkills()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("a", [new AgentSkill("sales", 1), new AgentSkill("support", 1)]), T0, AgentState.Ready);
        var selector = new RouteSelector(pool);
        selector.Queue("sales").Enqueue(new QueuedCaller("old-sales", 5, T0));
        selector.Queue("support").Enqueue(new QueuedCaller("new-support", 5, T0.AddMinutes(1)));

        Assert.Equal("old-sales", selector.SelectForAgent("a", T0.AddMinutes(2))!.Caller.Id);

        selector.Queue("support").Enqueue(new QueuedCaller("vip", 0, T0.AddMinutes(2)));
        Assert.Equal("vip", selector.SelectForAgent("a", T0.AddMinutes(2))!.Caller.Id);
    }

    [Fact]
    public void Commit_CallerAlreadyGone_Throws()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("a", [new AgentSkill("sales", 1)]), T0, AgentState.Ready);
        var selector = new RouteSelector(pool);
        selector.Queue("sales").Enqueue(new QueuedCaller("c1", 0, T0));
        var decision = selector.SelectForQueue("sales", T0)!;
        selector.Queue("sales").TryRemove("c1", out _);

        Assert.Throws<InvalidOperationException>(() => selector.Commit(decision, T0));
        Assert.Equal(AgentState.Ready, pool.StateOf("a"));
    }
}

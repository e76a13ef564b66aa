using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class AgentPoolTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryGetBest_PrefersLevelThenLongestIdle()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("junior-old", [new AgentSkill("sales", 1)]), T0, AgentState.Ready);
        pool.Add(new Agent("senior-new", [new AgentSkill("sales", 5)]), T0.AddMinutes(2), AgentState.Ready);
        pool.Add(new Agent("senior-old", [new AgentSkill("sales", 5)]), T0.AddMinutes(1), AgentState.Ready);

        Assert.True(pool.TryGetBest("sales", out var id, out var level));
        Assert.Equal("senior-old", id);
        Assert.Equal(5, level);
    }

    [Fact]
    public void Reserve_RemovesFromReadyIndex_ReleaseReturnsWithNewIdleTime()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("a", [new AgentSkill("sales", 1)]), T0, AgentState.Ready);
        pool.Add(new Agent("b", [new AgentSkill("sales", 1)]), T0.AddMinutes(1), AgentState.Ready);

        pool.Reserve("a", T0.AddMinutes(2));
        Assert.Equal(AgentState.Reserved, pool.StateOf("a"));
        Assert.True(pool.TryGetBest("sales", out var id, out _));
        Assert.Equal("b", id);

        pool.SetState("a", AgentState.Talking, T0.AddMinutes(2));
        pool.Release("a", T0.AddMinutes(5));
        Assert.Equal(AgentState.Ready, pool.StateOf("a"));
        Assert.True(pool.TryGetBest("sales", out id, out _));
        Assert.Equal("b", id);
        Assert.Equal(2, pool.AvailableCount("sales"));
    }

    [Fact]
    public void Away_NotStaffedNorAvailable()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("a", [new AgentSkill("sales", 1), new AgentSkill("support", 2)]), T0, AgentState.Ready);

        pool.SetState("a", AgentState.Away, T0.AddMinutes(1));

        Assert.Equal(0, pool.StaffedCount("sales"));
        Assert.Equal(0, pool.AvailableCount("support"));
        Assert.False(pool.TryGetBest("support", out _, out _));
        Assert.Throws<InvalidOperationException>(() => pool.Reserve("a", T0.AddMinutes(1)));
    }

    [Fact]
    public void MaxConcurrent_TalkingAgentTakesMoreUpToLimit()
    {
        var pool = new AgentPool();
        pool.Add(new Agent("chat", [new AgentSkill("web", 1)], MaxConcurrent: 2), T0, AgentState.Ready);

        pool.Reserve("chat", T0);
        pool.SetState("chat", AgentState.Talking, T0);
        Assert.True(pool.IsAvailable("chat"));
        pool.Reserve("chat", T0);
        pool.SetState("chat", AgentState.Talking, T0);
        Assert.False(pool.IsAvailable("chat"));
        pool.Release("chat", T0.AddMinutes(1));

        Assert.Equal(AgentState.Talking, pool.StateOf("chat"));
        Assert.Equal(1, pool.ActiveCalls("chat"));
        Assert.True(pool.IsAvailable("chat"));
    }
}

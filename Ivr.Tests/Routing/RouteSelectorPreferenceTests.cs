using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

/// <summary>
/// A queue step's <c>preferLastAgent</c> as the selector decides it, without actors, on explicit instants: a caller held for
/// their last agent goes to that agent first, is skipped by other agents while held, and after the wait is served in the
/// place it held all along (original entry time and priority).
/// </summary>
public class RouteSelectorPreferenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly AgentPreference AliceFor30s = new("alice", TimeSpan.FromSeconds(30));

    private static (AgentPool Pool, RouteSelector Selector) Centre(AgentState alice, AgentState bob)
    {
        var pool = new AgentPool();
        Add(pool, "alice", alice);
        Add(pool, "bob", bob);
        return (pool, new RouteSelector(pool));
    }

    // Talking: on a call (one active call of one allowed), so not available.
    private static void Add(AgentPool pool, string id, AgentState state)
    {
        pool.Add(new Agent(id, [new AgentSkill("billing", 1)]), T0, state == AgentState.Talking ? AgentState.Ready : state);
        if (state != AgentState.Talking) return;
        pool.Reserve(id, T0);
        pool.SetState(id, AgentState.Talking, T0);
    }

    [Fact]
    public void SelectForQueue_LastAgentReady_TakesTheHeldCallerBeforeTheHead()
    {
        var (_, selector) = Centre(AgentState.Ready, AgentState.Away);
        selector.Queue("billing").Enqueue(new QueuedCaller("first", 4, T0));
        selector.Queue("billing").Enqueue(new QueuedCaller("returning", 4, T0.AddSeconds(5)) { Prefer = AliceFor30s });

        var decision = selector.SelectForQueue("billing", T0.AddSeconds(6))!;

        Assert.Equal(("returning", "alice"), (decision.Caller.Id, decision.AgentId));
    }

    [Fact]
    public void SelectForQueue_LastAgentBusy_OtherAgentSkipsTheHeldCallerWhileTheWaitRuns()
    {
        var (_, selector) = Centre(AgentState.Talking, AgentState.Ready);
        var line = selector.Queue("billing");
        line.Enqueue(new QueuedCaller("returning", 4, T0) { Prefer = AliceFor30s });
        line.Enqueue(new QueuedCaller("next", 4, T0.AddSeconds(1)));

        var decision = selector.SelectForQueue("billing", T0.AddSeconds(10))!;

        Assert.Equal(("next", "bob"), (decision.Caller.Id, decision.AgentId));
        Assert.Equal("next", selector.SelectForAgent("bob", T0.AddSeconds(29))!.Caller.Id);
        line.TryRemove("next", out _);
        Assert.Null(selector.SelectForQueue("billing", T0.AddSeconds(29)));
        Assert.Null(selector.SelectForAgent("bob", T0.AddSeconds(29)));
        Assert.Equal("returning", selector.SelectForAgent("bob", T0.AddSeconds(30))!.Caller.Id);
    }

    [Fact]
    public void SelectForQueue_WaitRunsOut_CallerGoesToAnyAgentInItsOriginalPlace()
    {
        var (_, selector) = Centre(AgentState.Talking, AgentState.Ready);
        var line = selector.Queue("billing");
        line.Enqueue(new QueuedCaller("returning", 4, T0) { Prefer = AliceFor30s });
        line.Enqueue(new QueuedCaller("later", 4, T0.AddSeconds(20)));

        // Exactly at entry + 30 s the hold is over, with or without the router's timer clearing it.
        var decision = selector.SelectForQueue("billing", T0.AddSeconds(30))!;

        Assert.Equal(("returning", "bob"), (decision.Caller.Id, decision.AgentId));
        Assert.Equal(0, line.PositionOf("returning"));
        Assert.True(line.ClearPreference("returning"));
        Assert.Equal(T0, line.Find("returning")!.EnteredAt);
        Assert.Equal(4, line.Find("returning")!.Priority);
        Assert.Equal(0, line.PreferringCount);
    }

    [Fact]
    public void IsHeld_LastAgentSignedOutOrWithoutTheSkill_HoldsNobody()
    {
        var (pool, selector) = Centre(AgentState.Away, AgentState.Ready);
        var held = new QueuedCaller("returning", 4, T0) { Prefer = AliceFor30s };

        Assert.False(selector.IsHeld(held, "billing", T0.AddSeconds(1), out _));
        pool.SetState("alice", AgentState.Talking, T0.AddSeconds(1));
        Assert.True(selector.IsHeld(held, "billing", T0.AddSeconds(1), out var agent));
        Assert.Equal("alice", agent);
        Assert.False(selector.IsHeld(held, "support", T0.AddSeconds(1), out _));
        Assert.False(selector.IsHeld(held with { Prefer = new AgentPreference("nobody", TimeSpan.FromSeconds(30)) }, "billing", T0.AddSeconds(1), out _));
    }

    [Fact]
    public void SelectForAgent_LastAgentBecomesReady_TakesItsHeldCallerBeforeOlderCallers()
    {
        var (pool, selector) = Centre(AgentState.Talking, AgentState.Away);
        var line = selector.Queue("billing");
        line.Enqueue(new QueuedCaller("vip", 0, T0));
        line.Enqueue(new QueuedCaller("returning", 4, T0.AddSeconds(5)) { Prefer = AliceFor30s });
        pool.Release("alice", T0.AddSeconds(20));

        var decision = selector.SelectForAgent("alice", T0.AddSeconds(20))!;
        selector.Commit(decision, T0.AddSeconds(20));

        Assert.Equal("returning", decision.Caller.Id);
        Assert.Equal(AgentState.Reserved, pool.StateOf("alice"));
        Assert.Equal(0, line.PositionOf("vip"));
        Assert.Equal(0, line.PreferringCount);
    }

    [Fact]
    public void HeldForAvailableAgent_SeveralHeldForTheSameAgent_PriorityThenEntryTime()
    {
        var (_, selector) = Centre(AgentState.Ready, AgentState.Away);
        var line = selector.Queue("billing");
        line.Enqueue(new QueuedCaller("early", 4, T0) { Prefer = AliceFor30s });
        line.Enqueue(new QueuedCaller("urgent", 1, T0.AddSeconds(3)) { Prefer = AliceFor30s });
        line.Enqueue(new QueuedCaller("late", 4, T0.AddSeconds(6)) { Prefer = AliceFor30s });

        Assert.Equal("urgent", selector.HeldForAvailableAgent("billing", T0.AddSeconds(7))!.Caller.Id);
        line.TryRemove("urgent", out _);
        Assert.Equal("early", selector.HeldForAvailableAgent("billing", T0.AddSeconds(7))!.Caller.Id);
    }

    [Fact]
    public void ConvertToCallback_DropsThePreference()
    {
        var line = new SkillQueue("billing");
        line.Enqueue(new QueuedCaller("returning", 4, T0) { Prefer = AliceFor30s });

        var place = line.ConvertToCallback("returning")!;

        Assert.Null(place.Prefer);
        Assert.Equal(0, line.PreferringCount);
        Assert.False(line.ClearPreference("returning"));
    }
}

using Akka.Actor;
using Akka.TestKit;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ivr.Tests.Routing.Live;

/// <summary>
/// The router actor's ordering, with the real <see cref="SkillRouter"/> and SQLite store: test probes stand for the call
/// actors (they receive <see cref="DeliverCall"/>; their place updates are ignored here) and for the callback dialer. Agents
/// start away and are set ready one at a time, so every delivery is a routing decision over a known line. The router's
/// clock is a <see cref="FakeTimeProvider"/>, so entry times are exact.
/// </summary>
public sealed class SkillRouterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-router-actor-").FullName;
    private readonly FakeTimeProvider _time = new(T0);
    private readonly TestProbe _dialer;

    public SkillRouterTests(ITestOutputHelper output)
        : base(string.Empty, output)
    {
        _dialer = CreateTestProbe("dialer");
    }

    [Fact]
    public void HigherPriority_GoesFirst_ThenEqualPrioritiesInArrivalOrder()
    {
        var router = StartRouter(new CallbackPacer(0));
        var first = Enqueue(router, "c1", priority: 5);
        var second = Enqueue(router, "c2", priority: 5);
        var vip = Enqueue(router, "vip", priority: 8);

        SetState(router, "a1", AgentState.Ready);
        Serve(router, vip, "vip");
        Serve(router, first, "c1");
        Serve(router, second, "c2");
    }

    [Fact]
    public async Task Callback_KeepsItsCallersOriginalTime_NeitherLosingItsPlaceNorJumpingAhead()
    {
        // Strict place order (deferral bound zero): the line is L1 (9:00), the callback (its caller entered 9:00:30 and
        // left the line at 9:01 with a callback), L2 (9:02).
        var router = StartRouter(new CallbackPacer(0, TimeSpan.Zero));
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var early = Enqueue(router, "L1", priority: 5);
        _time.Advance(TimeSpan.FromMinutes(1));
        var callback = await BookAsync(router, T0.AddSeconds(30));
        _time.Advance(TimeSpan.FromMinutes(1));
        var late = Enqueue(router, "L2", priority: 5);

        SetState(router, "a1", AgentState.Ready);
        Serve(router, early, "L1");
        var dial = _dialer.ExpectMsg<DialCallback>();
        Assert.Equal(callback, dial.Callback.Id);
        Assert.Equal(T0.AddSeconds(30), dial.Callback.EnteredQueueAt);
        Assert.Equal("a1", dial.AgentId);
        late.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        router.Tell(new CallbackBridged(callback, "a1"));
        router.Tell(new CallbackDialFinished(callback, "a1", CallbackAttemptResult.Connected, AgentMissed: false));
        Serve(router, late, "L2");
    }

    [Fact]
    public async Task CallbackAtTheHead_WaitsForASpareAgent_WhileLiveCallersWait()
    {
        // Paced (no forced order within 30 min): with one agent and a live caller waiting, the callback at the head lets
        // the live caller go first and is dialled when the agent is free and nobody live waits.
        var router = StartRouter(new CallbackPacer(0, TimeSpan.FromMinutes(30)));
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var callback = await BookAsync(router, T0);
        _time.Advance(TimeSpan.FromMinutes(1));
        var live = Enqueue(router, "L1", priority: 5);

        SetState(router, "a1", AgentState.Ready);
        var deliver = live.ExpectMsg<DeliverCall>();
        Assert.Equal("a1", deliver.AgentId);
        _dialer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        router.Tell(new AgentAnswered("L1", "a1"));
        router.Tell(new AgentCallEnded("L1", "a1"));
        Assert.Equal(callback, _dialer.ExpectMsg<DialCallback>().Callback.Id);
    }

    // A callback booked, dialled to a1 and bridged, with ServedAfter = servedAfter; the store as a restarted engine opens it.
    private async Task<(long Callback, DateTimeOffset BridgedAt, ICallbackStore Callbacks)> BridgeCallbackWithServedAfterAsync(TimeSpan servedAfter)
    {
        var retry = CallbackRetryPolicy.Default with { ServedAfter = servedAfter };
        var router = StartRouter(new CallbackPacer(0, TimeSpan.Zero), retry: retry);
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var callback = await BookAsync(router, T0);
        SetState(router, "a1", AgentState.Ready);
        Assert.Equal(callback, _dialer.ExpectMsg<DialCallback>().Callback.Id);
        var bridgedAt = _time.GetUtcNow();
        router.Tell(new CallbackBridged(callback, "a1"));
        return (callback, bridgedAt, await new RoutingStores(_data, _time, retry).CallbacksAsync());
    }

    [Fact]
    public async Task BridgedCallback_IsRecordedDurably_AndOnceItLastsServedAfter_ARestartCountsItServed()
    {
        // ServedAfter is an Akka timer on the real scheduler here: 3 s, so the test does not wait 30; the talk's length is
        // measured on the router's (fake) clock, moved on 45 s once the bridge is on file and before the timer fires.
        var (callback, bridgedAt, callbacks) = await BridgeCallbackWithServedAfterAsync(TimeSpan.FromSeconds(3));
        await AwaitAssertAsync(async () =>
        {
            var row = (await callbacks.GetAsync(callback))!;
            Assert.Equal(bridgedAt, row.ConversationStartedAt);
            Assert.Equal(bridgedAt, row.ConversationSeenAt);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
        _time.Advance(TimeSpan.FromSeconds(45));

        await AwaitAssertAsync(async () =>
        {
            var row = (await callbacks.GetAsync(callback))!;
            Assert.Equal(bridgedAt, row.ConversationStartedAt);
            Assert.Equal(bridgedAt.AddSeconds(45), row.ConversationSeenAt);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));

        // The engine dies here: the router never hears the end of the call; the restarted engine's recovery reads the file.
        Assert.Equal(new CallbackRecovery(0, 1), await callbacks.RecoverAsync(_time.GetUtcNow()));
        Assert.Equal(CallbackState.Connected, (await callbacks.GetAsync(callback))!.State);
    }

    [Fact]
    public async Task BridgedCallback_ServedAfterTimerFiringBeforeTheWallClockGetsThere_StillRecordsItServed()
    {
        // The router's clock does not move at all while the 3 s timer runs: the worst case of a timer firing early against
        // the wall clock. The timer's firing is what counts: the talk is recorded as having lasted ServedAfter.
        var (callback, bridgedAt, callbacks) = await BridgeCallbackWithServedAfterAsync(TimeSpan.FromSeconds(3));
        await AwaitAssertAsync(async () =>
        {
            var row = (await callbacks.GetAsync(callback))!;
            Assert.Equal(bridgedAt, row.ConversationStartedAt);
            Assert.Equal(bridgedAt.AddSeconds(3), row.ConversationSeenAt);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));

        Assert.Equal(new CallbackRecovery(0, 1), await callbacks.RecoverAsync(_time.GetUtcNow()));
    }

    [Fact]
    public void Overflow_MovesTheCallerToTheSecondSkill_KeepingItsEntryTime()
    {
        // X waits for billing since 9:00 (its agent is away); Y waits for support since 9:01. X overflows to support and,
        // keeping 9:00, goes before Y when the support agent is ready.
        var router = StartRouter(new CallbackPacer(0));
        var x = Enqueue(router, "X", priority: 5);
        _time.Advance(TimeSpan.FromMinutes(1));
        var y = Enqueue(router, "Y", priority: 5, skill: "support");

        router.Tell(new MoveCaller("X", "support"));
        SetState(router, "s1", AgentState.Ready);
        var deliver = x.ExpectMsg<DeliverCall>();
        Assert.Equal(("s1", "support"), (deliver.AgentId, deliver.Skill));
        y.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task StopDiallingCallbacks_ADueCallbackIsNotDialled_LiveCallersAreStillServed_AndTheCallbackStaysPending()
    {
        // Strict place order: the callback (9:00) is ahead of L1 (9:01), so without the drain a1 would dial it first.
        var router = StartRouter(new CallbackPacer(0, TimeSpan.Zero));
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var callback = await BookAsync(router, T0);
        _time.Advance(TimeSpan.FromMinutes(1));
        var live = Enqueue(router, "L1", priority: 5);

        router.Tell(StopDiallingCallbacks.Instance);
        SetState(router, "a1", AgentState.Ready);
        Serve(router, live, "L1");
        SetState(router, "a1", AgentState.Ready);

        _dialer.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        var pending = await (await new RoutingStores(_data, _time, CallbackRetryPolicy.Default).CallbacksAsync()).ListPendingAsync();
        Assert.Equal((callback, CallbackState.Pending, 0), pending.Select(c => (c.Id, c.State, c.Attempts)).Single());
    }

    [Fact]
    public void AgentWithTwoSkills_TalkingOnABillingCall_CountsAsTalkingForBillingOnly()
    {
        // m has both skills: while it talks to a billing caller, support shows it neither talking nor ready, so the
        // per-skill "talking" figures add up to the one call connected.
        var status = new RouterStatus();
        var router = StartRouter(new CallbackPacer(0), status);
        var call = Enqueue(router, "B1", priority: 5);
        SetState(router, "m", AgentState.Ready);
        Assert.Equal("m", call.ExpectMsg<DeliverCall>().AgentId);
        router.Tell(new AgentAnswered("B1", "m"));
        SetState(router, "s1", AgentState.Away);

        var talking = status.Snapshot().ToDictionary(s => s.Skill, s => s.AgentsByState[AgentState.Talking], StringComparer.Ordinal);
        Assert.Equal(1, talking["billing"]);
        Assert.Equal(0, talking["support"]);
        var support = status.Snapshot().Single(s => s.Skill == "support").AgentsByState;
        Assert.Equal((0, 1), (support[AgentState.Ready], support[AgentState.Away]));

        router.Tell(new AgentCallEnded("B1", "m"));
        SetState(router, "s1", AgentState.Away);
        Assert.All(status.Snapshot(), s => Assert.Equal(0, s.AgentsByState[AgentState.Talking]));
        Assert.All(status.Snapshot(), s => Assert.Equal(1, s.AgentsByState[AgentState.Ready]));
    }

    private IActorRef StartRouter(CallbackPacer pacer, RouterStatus? status = null, CallbackRetryPolicy? retry = null)
    {
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }, new SkillConfig { Id = "support" }],
            Agents =
            [
                new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] },
                new AgentConfig { Id = "s1", Contact = "sip:s1@127.0.0.1:5092", Skills = [new AgentSkillConfig { Skill = "support", Level = 5 }] },
                new AgentConfig
                {
                    Id = "m", Contact = "sip:m@127.0.0.1:5093",
                    Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }, new AgentSkillConfig { Skill = "support", Level = 5 }],
                },
            ],
        };
        return Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, status ?? new RouterStatus())
        {
            InitialState = AgentState.Away,
            Time = _time,
            Pacer = pacer,
            Stores = new RoutingStores(_data, _time, retry ?? CallbackRetryPolicy.Default),
            Dialer = _dialer.Ref,
        }));
    }

    /// <summary>
    /// A call actor's stand-in joins the line; no agent is ready, so it hears its place. The place updates pushed later
    /// (<see cref="SkillRouterPlaceTests"/>) are ignored here: these tests are about who is served when.
    /// </summary>
    private TestProbe Enqueue(IActorRef router, string callId, int priority, string skill = "billing")
    {
        var call = CreateTestProbe();
        router.Tell(new EnqueueCaller(callId, skill, priority), call.Ref);
        Assert.Equal(skill, call.ExpectMsg<CallerQueued>().Skill);
        call.IgnoreMessages<CallerQueued>();
        return call;
    }

    private async Task<long> BookAsync(IActorRef router, DateTimeOffset enteredAt)
    {
        var booked = await router.Ask<CallbackBookingResult>(
            new BookCallback("cb-" + enteredAt.ToUnixTimeSeconds(), "billing", "+33612345678", "+33612345678", enteredAt), TimeSpan.FromSeconds(10));
        Assert.True(booked.Booked, booked.Message);
        return booked.CallbackId!.Value;
    }

    private void SetState(IActorRef router, string agent, AgentState state)
    {
        var result = router.Ask<AgentStateResult>(new SetAgentState(agent, state), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.Null(result.Error);
    }

    /// <summary>The call is delivered to a1, answered and ended (no wrap-up): a1 is ready for the next.</summary>
    private static void Serve(IActorRef router, TestProbe call, string callId)
    {
        var deliver = call.ExpectMsg<DeliverCall>();
        Assert.Equal((callId, "a1"), (deliver.CallId, deliver.AgentId));
        router.Tell(new AgentAnswered(callId, "a1"));
        router.Tell(new AgentCallEnded(callId, "a1"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

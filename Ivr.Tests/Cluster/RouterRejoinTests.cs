using Akka.Actor;
using Akka.TestKit;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ivr.Tests.Cluster;

/// <summary>
/// What a new router incarnation does with re-announcements (the real <see cref="SkillRouter"/>, test probes as the calls):
/// places come back in their original order whatever order they arrive in, are not counted as new arrivals, and an agent a
/// call re-announces as ringing or talking stays with that call and is never offered to another caller.
/// </summary>
public sealed class RouterRejoinTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 18, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0.AddMinutes(5));
    private readonly RouterStatus _status = new();
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-router-rejoin-").FullName;

    public RouterRejoinTests(ITestOutputHelper output)
        : base(string.Empty, output)
    {
    }

    [Fact]
    public void RejoinedPlaces_AreServedInTheirOriginalOrder_AndAreNotCountedAsArrivals()
    {
        var router = StartRouter();
        // Re-announced in an order unlike the one they entered in (nodes answer at their own pace).
        var third = Rejoin(router, "c3", T0.AddSeconds(3));
        var first = Rejoin(router, "c1", T0.AddSeconds(1));
        var vip = Rejoin(router, "vip", T0.AddSeconds(4), priority: 8);
        var second = Rejoin(router, "c2", T0.AddSeconds(2));
        var fresh = Enqueue(router, "new");

        var billing = AwaitStatus(s => s.Waiting == 5);
        Assert.Equal(1, billing.Window.Arrivals);
        // The head has waited since its original entry, not since the re-announcement.
        Assert.Equal(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(4), billing.LongestWait);

        // One agent serves them one after the other: each delivery must reach the next caller in the original order.
        SetState(router, "a1", AgentState.Ready);
        foreach (var (call, id) in new[] { (vip, "vip"), (first, "c1"), (second, "c2"), (third, "c3"), (fresh, "new") })
        {
            var deliver = call.ExpectMsg<DeliverCall>();
            Assert.Equal(id, deliver.CallId);
            router.Tell(new AgentAnswered(deliver.CallId, "a1"), call.Ref);
            router.Tell(new AgentCallEnded(deliver.CallId, "a1"), call.Ref);
        }
    }

    [Fact]
    public void RejoinedRingingCall_KeepsItsAgent_WhichIsNotOfferedToTheNextCaller()
    {
        var router = StartRouter();
        var ringing = Rejoin(router, "c1", T0.AddSeconds(1), ringingAgent: "a1");
        var waiting = Enqueue(router, "c2");

        Assert.Equal(AgentState.Ringing, AgentStateOf(router, "a1"));
        waiting.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        // The call the agent rang for answers: the agent talks; when it ends, the next caller gets the agent.
        router.Tell(new AgentAnswered("c1", "a1"), ringing.Ref);
        Assert.Equal(AgentState.Talking, AgentStateOf(router, "a1"));
        router.Tell(new AgentCallEnded("c1", "a1"), ringing.Ref);
        Assert.Equal("c2", waiting.ExpectMsg<DeliverCall>().CallId);
    }

    [Fact]
    public void ReannouncedTalk_KeepsTheAgentTalking_UntilTheCallEnds()
    {
        var router = StartRouter();
        var talking = CreateTestProbe();
        router.Tell(new AgentTalking("c1", "a1", "billing", T0.AddSeconds(10)), talking.Ref);
        var waiting = Enqueue(router, "c2");

        Assert.Equal(AgentState.Talking, AgentStateOf(router, "a1"));
        waiting.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        // Re-announced twice (two incarnation messages): still one call on the agent.
        router.Tell(new AgentTalking("c1", "a1", "billing", T0.AddSeconds(10)), talking.Ref);
        router.Tell(new AgentCallEnded("c1", "a1"), talking.Ref);
        Assert.Equal("c2", waiting.ExpectMsg<DeliverCall>().CallId);
    }

    [Fact]
    public void ReannouncedCallbackAttempt_KeepsItsAgent_UntilTheAttemptEnds()
    {
        var router = StartRouter(new RoutingStores(_data, _time, CallbackRetryPolicy.Default));
        var dialer = CreateTestProbe();
        var record = new CallbackRecord(7, "call:x:billing", "billing", "+33612345678", null, T0, T0, CallbackState.Dialling, 1, T0, null, T0);
        router.Tell(new CallbackAttemptLive(record, "a1", T0.AddSeconds(30)), dialer.Ref);
        var waiting = Enqueue(router, "c1");

        Assert.Equal(AgentState.Talking, AgentStateOf(router, "a1"));
        waiting.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        router.Tell(new CallbackDialFinished(7, "a1", CallbackAttemptResult.Connected, false), dialer.Ref);
        Assert.Equal("c1", waiting.ExpectMsg<DeliverCall>().CallId);
    }

    [Fact]
    public void SecondRejoinOfTheSameCall_IsIgnored()
    {
        var router = StartRouter();
        var call = Rejoin(router, "c1", T0.AddSeconds(1));
        router.Tell(new EnqueueCaller("c1", "billing", 5, null, T0.AddSeconds(1)), call.Ref);

        Assert.Equal(1, AwaitStatus(s => s.Waiting == 1).Waiting);
        SetState(router, "a1", AgentState.Ready);
        Assert.Equal("c1", call.ExpectMsg<DeliverCall>().CallId);
        call.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void AgentRegisteredOnAnotherNode_IsRungThere_TheLatestRegistrationWins_AndALapseFallsBack()
    {
        var router = StartRouter();
        var node3 = "akka.tcp://ivr@127.0.0.1:26003";
        var node4 = "akka.tcp://ivr@127.0.0.1:26004";
        router.Tell(new AgentContactAnnounced("a1", node3, "sip:a1@10.0.0.3:5060", T0));
        router.Tell(new AgentContactAnnounced("a1", node4, "sip:a1@10.0.0.4:5060", T0.AddSeconds(1)));
        SetState(router, "a1", AgentState.Ready);

        Assert.Equal("sip:a1@10.0.0.4:5060", Serve(router, "c1").Contact);
        router.Tell(new AgentContactAnnounced("a1", node4, null, T0.AddSeconds(2)));
        Assert.Equal("sip:a1@10.0.0.3:5060", Serve(router, "c2").Contact);
        router.Tell(new AgentContactAnnounced("a1", node3, null, T0.AddSeconds(3)));
        // No registration left anywhere: the agents file's contact.
        Assert.Equal("sip:a1@127.0.0.1:5091", Serve(router, "c3").Contact);
    }

    private DeliverCall Serve(IActorRef router, string callId)
    {
        // The agent is ready: the caller is delivered on arrival, before any place is pushed.
        var call = CreateTestProbe();
        router.Tell(new EnqueueCaller(callId, "billing", 5), call.Ref);
        var deliver = call.ExpectMsg<DeliverCall>();
        router.Tell(new AgentAnswered(callId, "a1"), call.Ref);
        router.Tell(new AgentCallEnded(callId, "a1"), call.Ref);
        return deliver;
    }

    private IActorRef StartRouter(RoutingStores? stores = null)
    {
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] }],
        };
        return Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, _status) { InitialState = AgentState.Away, Time = _time, Stores = stores }));
    }

    private TestProbe Rejoin(IActorRef router, string callId, DateTimeOffset enteredAt, int priority = 5, string? ringingAgent = null)
    {
        var call = CreateTestProbe();
        router.Tell(new EnqueueCaller(callId, "billing", priority, null, enteredAt, ringingAgent), call.Ref);
        call.IgnoreMessages<CallerQueued>();
        // The router handles messages in order: once it answers this query, the re-announcement is in.
        router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return call;
    }

    private TestProbe Enqueue(IActorRef router, string callId)
    {
        var call = CreateTestProbe();
        router.Tell(new EnqueueCaller(callId, "billing", 5), call.Ref);
        call.ExpectMsg<CallerQueued>();
        call.IgnoreMessages<CallerQueued>();
        return call;
    }

    private void SetState(IActorRef router, string agent, AgentState state)
    {
        var result = router.Ask<AgentStateResult>(new SetAgentState(agent, state), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.Null(result.Error);
    }

    private static AgentState AgentStateOf(IActorRef router, string agent) =>
        router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult().Agents.Single(a => a.Id == agent).State;

    private SkillStatus AwaitStatus(Func<SkillStatus, bool> condition)
    {
        SkillStatus? found = null;
        AwaitCondition(() => (found = _status.Snapshot().SingleOrDefault(s => s.Skill == "billing")) is { } s && condition(s), TimeSpan.FromSeconds(10));
        return found!;
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

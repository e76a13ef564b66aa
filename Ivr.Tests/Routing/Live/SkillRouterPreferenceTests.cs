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
/// <c>preferLastAgent</c> in the real <see cref="SkillRouter"/> actor: probes stand for the call actors. The router's clock is
/// a <see cref="FakeTimeProvider"/>; the hold's end is an Akka timer on the real scheduler, so the waits here are a few seconds.
/// </summary>
public sealed class SkillRouterPreferenceTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-router-prefer-").FullName;
    private readonly FakeTimeProvider _time = new(T0);

    public SkillRouterPreferenceTests(ITestOutputHelper output)
        : base(string.Empty, output)
    {
    }

    [Fact]
    public void LastAgentReadyWithinTheWait_GetsTheCaller_WhileAnotherReadyAgentServesTheNext()
    {
        var router = StartRouter();
        SetState(router, "alice", AgentState.Ready);
        var busy = Enqueue(router, "busy", prefer: null, expectPlace: false);
        Assert.Equal("alice", busy.ExpectMsg<DeliverCall>().AgentId);
        router.Tell(new AgentAnswered("busy", "alice"));

        var returning = Enqueue(router, "returning", new AgentPreference("alice", TimeSpan.FromSeconds(30)));
        var next = Enqueue(router, "next", prefer: null);
        SetState(router, "bob", AgentState.Ready);
        Assert.Equal("bob", next.ExpectMsg<DeliverCall>().AgentId);
        returning.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        _time.Advance(TimeSpan.FromSeconds(10));
        router.Tell(new AgentCallEnded("busy", "alice"));
        var deliver = returning.ExpectMsg<DeliverCall>();
        Assert.Equal(("returning", "alice"), (deliver.CallId, deliver.AgentId));
    }

    [Fact]
    public void LastAgentBusyBeyondTheWait_CallerGoesToAnotherAgent_AheadOfLaterCallers()
    {
        var router = StartRouter();
        SetState(router, "alice", AgentState.Ready);
        var busy = Enqueue(router, "busy", prefer: null, expectPlace: false);
        Assert.Equal("alice", busy.ExpectMsg<DeliverCall>().AgentId);
        router.Tell(new AgentAnswered("busy", "alice"));

        var returning = Enqueue(router, "returning", new AgentPreference("alice", TimeSpan.FromSeconds(2)));
        _time.Advance(TimeSpan.FromSeconds(1));
        var later = Enqueue(router, "later", prefer: null);
        _time.Advance(TimeSpan.FromSeconds(2));

        // bob becomes ready after the hold ended on the router's clock; the timer (2 s, real) opens the place if it was not yet.
        SetState(router, "bob", AgentState.Ready);
        var deliver = returning.ExpectMsg<DeliverCall>(TimeSpan.FromSeconds(10));
        Assert.Equal(("returning", "bob"), (deliver.CallId, deliver.AgentId));
        later.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void HoldRunsOutWhileAnotherAgentIsReady_TheTimerDeliversTheCaller()
    {
        var router = StartRouter();
        SetState(router, "alice", AgentState.Ready);
        var busy = Enqueue(router, "busy", prefer: null, expectPlace: false);
        Assert.Equal("alice", busy.ExpectMsg<DeliverCall>().AgentId);
        router.Tell(new AgentAnswered("busy", "alice"));
        SetState(router, "bob", AgentState.Ready);

        var returning = Enqueue(router, "returning", new AgentPreference("alice", TimeSpan.FromSeconds(1)));
        returning.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        _time.Advance(TimeSpan.FromSeconds(1));

        var deliver = returning.ExpectMsg<DeliverCall>(TimeSpan.FromSeconds(10));
        Assert.Equal("bob", deliver.AgentId);
    }

    [Fact]
    public void LastAgentNotSignedIn_NoHold_AnyAgentAtOnce()
    {
        var router = StartRouter();
        SetState(router, "bob", AgentState.Ready);

        var returning = Enqueue(router, "returning", new AgentPreference("alice", TimeSpan.FromSeconds(30)), expectPlace: false);

        Assert.Equal("bob", returning.ExpectMsg<DeliverCall>().AgentId);
    }

    [Fact]
    public void Rejoin_KeepsTheHoldCountedFromTheOriginalEntry()
    {
        var router = StartRouter();
        SetState(router, "alice", AgentState.Ready);
        var busy = Enqueue(router, "busy", prefer: null, expectPlace: false);
        Assert.Equal("alice", busy.ExpectMsg<DeliverCall>().AgentId);
        router.Tell(new AgentAnswered("busy", "alice"));
        SetState(router, "bob", AgentState.Ready);

        // A re-announce 10 s after entering, held 30 s: still held for alice; bob takes nobody.
        _time.Advance(TimeSpan.FromSeconds(10));
        var call = CreateTestProbe();
        router.Tell(new EnqueueCaller("returning", "billing", 5, EnteredAt: T0) { Prefer = new AgentPreference("alice", TimeSpan.FromSeconds(30)) }, call.Ref);
        call.IgnoreMessages<CallerQueued>();
        call.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        router.Tell(new AgentCallEnded("busy", "alice"));
        Assert.Equal("alice", call.ExpectMsg<DeliverCall>().AgentId);

        // A re-announce whose hold already ran out (entered 40 s ago): any agent at once.
        var late = CreateTestProbe();
        router.Tell(new EnqueueCaller("late", "billing", 5, EnteredAt: T0) { Prefer = new AgentPreference("alice", TimeSpan.FromSeconds(5)) }, late.Ref);
        late.IgnoreMessages<CallerQueued>();
        Assert.Equal("bob", late.ExpectMsg<DeliverCall>().AgentId);
    }

    private IActorRef StartRouter()
    {
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents =
            [
                new AgentConfig { Id = "alice", Contact = "sip:alice@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] },
                new AgentConfig { Id = "bob", Contact = "sip:bob@127.0.0.1:5092", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] },
            ],
        };
        return Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus())
        {
            InitialState = AgentState.Away,
            Time = _time,
            Pacer = new CallbackPacer(0),
            Stores = new RoutingStores(_data, _time, CallbackRetryPolicy.Default),
            Dialer = CreateTestProbe().Ref,
        }));
    }

    private TestProbe Enqueue(IActorRef router, string callId, AgentPreference? prefer, bool expectPlace = true)
    {
        var call = CreateTestProbe();
        router.Tell(new EnqueueCaller(callId, "billing", 5) { Prefer = prefer }, call.Ref);
        if (expectPlace) Assert.Equal("billing", call.ExpectMsg<CallerQueued>().Skill);
        call.IgnoreMessages<CallerQueued>();
        return call;
    }

    private void SetState(IActorRef router, string agent, AgentState state)
    {
        var result = router.Ask<AgentStateResult>(new SetAgentState(agent, state), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.Null(result.Error);
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

using Akka.Actor;
using Akka.TestKit;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ivr.Tests.Routing.Live;

/// <summary>
/// The router pushes each waiting caller its place (<see cref="CallerQueued"/>) when it changes, and offers when due, with
/// no request from the call. Probes stand for the call actors and never send <see cref="CheckPlace"/>. The router's
/// <see cref="FakeTimeProvider"/> and the TestKit's <see cref="TestScheduler"/> (its timers) move together, and every
/// step ends with a query the router answers after the timers' messages, so "no update" is checked on a settled router.
/// </summary>
public sealed class SkillRouterPlaceTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Settled = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly IActorRef _router;

    public SkillRouterPlaceTests(ITestOutputHelper output)
        : base("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"", output)
    {
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] }],
        };
        _router = Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus())
        {
            InitialState = AgentState.Away,
            Time = _time,
        }));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void OneAheadDelivered_CallersBehindAreToldTheirNewPlaces_WithoutAsking()
    {
        var c1 = Enqueue("c1");
        var c2 = Enqueue("c2");
        var c3 = Enqueue("c3");
        Step(TimeSpan.FromSeconds(2));

        SetState("a1", AgentState.Ready);

        Assert.Equal("c1", c1.ExpectMsg<DeliverCall>().CallId);
        var second = c2.ExpectMsg<CallerQueued>();
        Assert.Equal((1, 1), (second.Position, second.StaffedAgents));
        Assert.NotNull(second.ExpectedWait);
        Assert.Equal(2, c3.ExpectMsg<CallerQueued>().Position);
        c1.ExpectNoMsg(Settled);
    }

    [Fact]
    public void OneAheadAbandons_OnlyTheCallersBehindAreTold()
    {
        var c1 = Enqueue("c1");
        var c2 = Enqueue("c2");
        var c3 = Enqueue("c3");
        Step(TimeSpan.FromSeconds(2));

        _router.Tell(new LeaveQueue("c2", QueueExit.Abandoned));
        Sync();

        Assert.Equal(2, c3.ExpectMsg<CallerQueued>().Position);
        c1.ExpectNoMsg(Settled);
        c2.ExpectNoMsg(Settled);
    }

    [Fact]
    public void NothingChanges_NoUpdate_ThroughPeriodicEvaluationsAndQueries()
    {
        var c1 = Enqueue("c1");
        var c2 = Enqueue("c2");

        for (var i = 0; i < 6; i++) Step(TimeSpan.FromSeconds(5));
        Sync();

        c1.ExpectNoMsg(Settled);
        c2.ExpectNoMsg(Settled);
    }

    [Fact]
    public void WaitingPastTheTarget_ThePeriodicEvaluationPushesTheOffer()
    {
        // a1 talks to c0, so c1's expected wait is a handle time (3 min), under the 10-min target: no offer on arrival.
        var c0 = Enqueue("c0");
        SetState("a1", AgentState.Ready);
        c0.ExpectMsg<DeliverCall>();
        _router.Tell(new AgentAnswered("c0", "a1"));
        var c1 = Enqueue("c1", new OfferPolicyOptions { WaitTarget = TimeSpan.FromMinutes(10) });

        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(5); waited += TimeSpan.FromSeconds(5))
            Step(TimeSpan.FromSeconds(5));
        c1.ExpectNoMsg(Settled);

        Step(TimeSpan.FromSeconds(5));
        var offer = c1.ExpectMsg<CallerQueued>();
        Assert.Equal((true, OfferReason.WaitedPastTarget, 1), (offer.Offer.Offer, offer.Offer.Reason, offer.Position));
        Step(TimeSpan.FromMinutes(1));
        c1.ExpectNoMsg(Settled);
    }

    [Fact]
    public void TriggerStillHolds_OfferIsRepeatedEveryReofferEvery_AndNotBetween()
    {
        // A line longer than 0 always holds the trigger: offered on arrival, then every 30 s by the router alone.
        var c1 = Enqueue("c1", new OfferPolicyOptions { QueueLengthLimit = 0, ReofferEvery = TimeSpan.FromSeconds(30) }, expectOffer: true);

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 5; i++) Step(TimeSpan.FromSeconds(5));
            c1.ExpectNoMsg(Settled);
            Step(TimeSpan.FromSeconds(5));
            var offer = c1.ExpectMsg<CallerQueued>();
            Assert.Equal((true, OfferReason.Reoffer), (offer.Offer.Offer, offer.Offer.Reason));
        }
    }

    [Fact]
    public void ManyChangesWithinASecond_OneUpdatePerCaller_ButReachingTheHeadIsToldAtOnce()
    {
        var c1 = Enqueue("c1");
        var c2 = Enqueue("c2");
        var c3 = Enqueue("c3");
        var c4 = Enqueue("c4");

        // Within the second after joining: c2 reaches the head and hears it at once; c3 and c4 moved but wait.
        _router.Tell(new LeaveQueue("c1", QueueExit.Abandoned));
        Sync();
        Assert.Equal(1, c2.ExpectMsg<CallerQueued>().Position);
        c3.ExpectNoMsg(Settled);
        c4.ExpectNoMsg(Settled);

        Step(TimeSpan.FromMilliseconds(500));
        _router.Tell(new LeaveQueue("c2", QueueExit.Abandoned));
        Sync();
        Assert.Equal(1, c3.ExpectMsg<CallerQueued>().Position);
        c4.ExpectNoMsg(Settled);

        // A second after c4 was last told, it hears where it is now (2), once: not 3, then 2.
        Step(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, c4.ExpectMsg<CallerQueued>().Position);
        c4.ExpectNoMsg(Settled);
        c3.ExpectNoMsg(Settled);
        c1.ExpectNoMsg(Settled);
    }

    /// <summary>A call's stand-in joins the line and hears its place once.</summary>
    private TestProbe Enqueue(string callId, OfferPolicyOptions? offer = null, bool expectOffer = false)
    {
        var call = CreateTestProbe(callId);
        _router.Tell(new EnqueueCaller(callId, "billing", 5, offer), call.Ref);
        var place = call.ExpectMsg<CallerQueued>();
        Assert.Equal(expectOffer, place.Offer.Offer);
        return call;
    }

    private void SetState(string agent, AgentState state)
    {
        var result = _router.Ask<AgentStateResult>(new SetAgentState(agent, state), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.Null(result.Error);
    }

    /// <summary>Moves the router's clock and its timers by <paramref name="by"/>, then waits until it has handled what fired.</summary>
    private void Step(TimeSpan by)
    {
        _time.Advance(by);
        Scheduler.Advance(by);
        Sync();
    }

    /// <summary>The router answers this query after every message sent before it (and a query pushes nothing).</summary>
    private void Sync() => _router.Ask<AgentsResult>(GetAgents.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
}

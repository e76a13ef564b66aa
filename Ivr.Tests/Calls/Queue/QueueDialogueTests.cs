using Ivr.Engine.Calls;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Live;
using Ivr.Flows.Runtime;

namespace Ivr.Tests.Calls.Queue;

/// <summary>
/// A call's side of the skill router over in-process SIP and media, no actors: what the caller hears while queued, what
/// the router is told, and what late or stale router messages and timers do (the <c>queue-offer</c> test flow).
/// </summary>
public class QueueDialogueTests
{
    private static readonly CallerQueued LongLine = new("billing", 4, TimeSpan.FromMinutes(6), 2, new OfferDecision(true, OfferReason.ExpectedWaitOverTarget));

    [Fact]
    public void Enqueue_HoldsTheCaller_AndAsksTheRouterForAPlaceOnTheStepsSkill()
    {
        using var rig = new CallComponentRig("queue-offer");

        rig.Flow.Start();

        var enqueue = Assert.Single(rig.Router.All<EnqueueCaller>());
        Assert.Equal((CallComponentRig.CallId, "billing"), (enqueue.CallId, enqueue.Skill));
        Assert.Equal(PlaybackKind.Hold, rig.Playback.Kind);
        Assert.Equal("common/hold.wav", rig.Media.Current);
        Assert.Equal("queue", rig.Step);
    }

    [Fact]
    public void Placed_OnALongLine_OffersOverHold_AndTheCallbackKeyLeavesTheLine_TheFlowTakesTheCallbackBranch()
    {
        using var rig = new CallComponentRig("queue-offer");
        rig.Flow.Start();

        Assert.True(rig.Queue.Handle(LongLine));
        Assert.Equal(PlaybackKind.Announce, rig.Playback.Kind);
        Assert.True(rig.Queue.Digit('1'));

        Assert.Equal(new LeaveQueue(CallComponentRig.CallId, QueueExit.Callback), rig.Router.All<LeaveQueue>().Single());
        Assert.Equal("callback_chosen", rig.Step);
        Assert.Equal("en-US/callback_goodbye.wav", rig.Media.Current);
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void DeliverCall_ArrivingAfterTheCallerHungUp_IsAnAbandonment_AndTheAgentIsGivenBack()
    {
        using var rig = new CallComponentRig("queue-offer");
        rig.Flow.Start();

        rig.Queue.CallerLeft();
        rig.Queue.Handle(new DeliverCall(CallComponentRig.CallId, "agent-7", "sip:agent7@127.0.0.1", "billing", TimeSpan.FromSeconds(20)));

        Assert.Equal(QueueExit.Abandoned, rig.Router.All<LeaveQueue>().Single().Exit);
        Assert.Equal(new AgentNotAnswered(CallComponentRig.CallId, "agent-7", 0), rig.Router.All<AgentNotAnswered>().Single());
        Assert.False(rig.Queue.IsBridged);
    }

    [Fact]
    public void Placed_AfterTheCallerLeftTheLine_SaysNothing()
    {
        using var rig = new CallComponentRig("queue-offer");
        rig.Flow.Start();
        rig.Queue.Handle(LongLine);
        rig.Queue.Digit('1');
        var played = rig.Media.Played.Count;

        rig.Queue.Handle(LongLine);

        Assert.Equal(played, rig.Media.Played.Count);
        Assert.Equal("callback_chosen", rig.Step);
    }

    [Fact]
    public void WaitExpired_WithoutARouter_HoldEnds_AndTheQueueStepFails()
    {
        using var rig = new CallComponentRig("queue-offer", router: false);
        rig.Flow.Start();
        Assert.Equal(PlaybackKind.Hold, rig.Playback.Kind);
        Assert.Equal(rig.Services.QueueWaitWithoutRouter, rig.Timers.DueIn<QueueWaitExpired>());

        rig.Queue.Handle(rig.Timers.Fire<QueueWaitExpired>());

        Assert.Equal(PlaybackKind.None, rig.Playback.Kind);
        Assert.Equal("hangup:failed", rig.Outcome?.Code);
        Assert.Empty(rig.Router.Messages);
    }
}

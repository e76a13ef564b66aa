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
    public void Booked_WhenTheStoreFailed_SaysTheBookingWasNotKept_NotThatTheNumberIsRefused_AndTheRetryKeepsTheOriginalPlace()
    {
        using var rig = new CallComponentRig("queue-callback");
        var entered = rig.Time.GetUtcNow();
        rig.Flow.Start();
        rig.Time.Advance(TimeSpan.FromMinutes(3));
        rig.Queue.Handle(LongLine);
        rig.Queue.Digit('1');
        Assert.Equal("callback", rig.Step);
        rig.Flow.Run!.Digit('1');
        var first = Assert.Single(rig.Router.All<BookCallback>());

        Assert.True(rig.Queue.Handle(new CallbackBookingResult(false, "+15555550100", "The callback could not be stored.", null, StoreFailed: true)));

        Assert.Equal(PlaybackKind.Announce, rig.Playback.Kind);
        Assert.Equal("en-US/callback_not_kept.wav", rig.Media.Current);
        Assert.DoesNotContain(rig.Media.Played, p => p.Contains("callback_refused", StringComparison.Ordinal));
        Assert.Equal(PlaybackKind.Announce, rig.FinishPlaying());
        rig.Queue.AnnouncementFinished();

        // The caller stays in the call: the step counts a failed attempt and asks again; the retry's booking still holds the
        // time the caller first joined the line, so once the store is back the callback's virtual place is the original one.
        Assert.Equal("callback", rig.Step);
        Assert.Null(rig.Outcome);
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        rig.Flow.Run!.Digit('1');
        var retry = rig.Router.All<BookCallback>()[^1];
        Assert.Equal(2, rig.Router.All<BookCallback>().Count);
        Assert.Equal(entered, first.EnteredQueueAt);
        Assert.Equal(entered, retry.EnteredQueueAt);

        rig.Queue.Handle(new CallbackBookingResult(true, "+15555550100", "Booked.", 42));
        Assert.Equal("booked", rig.Step);
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void Booked_RefusedByARouterWithoutAStore_StillSaysTheUnavailableRefusal()
    {
        using var rig = new CallComponentRig("queue-callback");
        rig.Flow.Start();
        rig.Queue.Handle(LongLine);
        rig.Queue.Digit('1');
        rig.Flow.Run!.Digit('1');

        rig.Queue.Handle(new CallbackBookingResult(false, null, "Sorry, we cannot book callbacks right now.", null));

        Assert.Equal("en-US/callback_refused_unavailable.wav", rig.Media.Current);
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

using Ivr.Engine.Calls.Queue;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Live;
using Ivr.Flows.Model.Steps;
using OfferPolicy = Ivr.Flows.Model.Steps.OfferPolicy;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Calls.Queue;

/// <summary>The queue wait as plain state: what a waiting caller is told and what their keys and words choose, on a fake clock, no actors.</summary>
public class QueueWaitTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Placed_First_AnnouncesPositionAndWait_ThenNotAgainBeforeItsInterval()
    {
        var wait = Enter(announce: new QueueAnnounce(true, true, 30));

        (wait, var first) = wait.Placed(Place(3, TimeSpan.FromMinutes(3)), Now, busy: false);
        _clock.Advance(TimeSpan.FromSeconds(10));
        (wait, var early) = wait.Placed(Place(2, TimeSpan.FromMinutes(2)), Now, busy: false);
        _clock.Advance(TimeSpan.FromSeconds(20));
        (wait, var due) = wait.Placed(Place(1, TimeSpan.FromMinutes(1.5)), Now, busy: false);

        Assert.Equal((3, 2), (first!.Position, first.Wait!.Bucket));
        Assert.Null(early);
        Assert.Equal((1, 1), (due!.Position, due.Wait!.Bucket));
        Assert.Equal(2, wait.Place!.Position is 1 ? 2 : 0);
    }

    [Fact]
    public void AnnounceIfDue_WithoutAnInterval_AnnouncesOnceOnly_EvenWhenForced()
    {
        var wait = Enter(announce: new QueueAnnounce(true, false, 0));
        (wait, var first) = wait.Placed(Place(4, null), Now, busy: false);
        _clock.Advance(TimeSpan.FromMinutes(5));

        var (_, again) = wait.AnnounceIfDue(Now, force: true);

        Assert.Equal(4, first!.Position);
        Assert.Null(first.Wait);
        Assert.Null(again);
    }

    [Fact]
    public void AnnounceIfDue_Forced_SaysTheLatestPlaceWithoutAskingTheRouter()
    {
        var wait = Enter(announce: new QueueAnnounce(true, false, 30));
        (wait, _) = wait.Placed(Place(5, null), Now, busy: false);
        (wait, _) = wait.Placed(Place(2, null), Now.AddSeconds(1), busy: false);
        _clock.Advance(TimeSpan.FromSeconds(30));

        var (_, say) = wait.AnnounceIfDue(Now, force: true);

        Assert.Equal(2, say!.Position);
    }

    [Fact]
    public void ExpectedWait_LongerEstimateSameStaffing_NeverGoesUp_FewerAgentsOrAMove_MayGoUp()
    {
        var wait = Enter(announce: new QueueAnnounce(false, true, 1));
        AnnouncedWait Say(TimeSpan estimate, int staffed)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            (wait, var say) = wait.Placed(Place(1, estimate, staffed), Now, busy: false);
            return say!.Wait!;
        }

        Assert.Equal(2, Say(TimeSpan.FromMinutes(3), 10).Bucket);
        Assert.Equal(2, Say(TimeSpan.FromMinutes(8), 10).Bucket);  // longer estimate: capped at what was said
        Assert.Equal(0, Say(TimeSpan.FromSeconds(30), 12).Bucket); // shorter: said at once
        Assert.Equal(0, Say(TimeSpan.FromMinutes(3), 12).Bucket);
        Assert.Equal(4, Say(TimeSpan.FromMinutes(8), 7).Bucket);   // fewer agents staffed: the cap is lifted
        wait = wait.MovedTo("sales");
        Assert.Equal("sales", wait.Skill);
        Assert.Equal(5, Say(TimeSpan.FromMinutes(12), 7).Bucket);  // another skill's line: no cap from the old one
    }

    [Fact]
    public void Placed_OfferDecision_OpensTheOffer_AndNoAnnouncementWhileItIsOpen()
    {
        var wait = Enter(announce: new QueueAnnounce(true, false, 1), offer: new OfferPolicy { Message = true });

        (wait, var offer) = wait.Placed(Place(7, null, offer: true), Now, busy: false);
        _clock.Advance(TimeSpan.FromSeconds(5));
        (wait, var during) = wait.Placed(Place(6, null), Now, busy: false);

        Assert.True(offer!.IsOffer);
        Assert.True(wait.Offering);
        Assert.Equal(Now.AddSeconds(-5), wait.LastOfferAt);
        Assert.Null(during);
        Assert.Equal(6, wait.Place!.Position);
    }

    [Fact]
    public void Placed_WhileAnAnnouncementPlays_KeepsThePlaceOnly()
    {
        var wait = Enter(announce: new QueueAnnounce(true, false, 1), offer: new OfferPolicy());

        var (next, say) = wait.Placed(Place(2, null, offer: true), Now, busy: true);

        Assert.Null(say);
        Assert.False(next.Offering);
        Assert.Equal(2, next.Place!.Position);
    }

    [Fact]
    public void Placed_OfferWhileAnAnnouncementPlays_IsKept_AndOpensWhenItEnds()
    {
        var wait = Enter(announce: new QueueAnnounce(true, false, 60), offer: new OfferPolicy());
        (wait, _) = wait.Placed(Place(4, null), Now, busy: false);

        (wait, var during) = wait.Placed(Place(4, null, offer: true), Now, busy: true);
        _clock.Advance(TimeSpan.FromSeconds(3));
        (wait, var after) = wait.Resumed(Now);
        var (_, twice) = wait.Resumed(Now);

        Assert.Null(during);
        Assert.True(after!.IsOffer);
        Assert.Equal(4, after.Position);
        Assert.Equal(Now, wait.LastOfferAt);
        Assert.Null(twice);
    }

    [Fact]
    public void Placed_OfferDecision_StepOffersNothing_IsAnAnnouncement()
    {
        var wait = Enter(announce: new QueueAnnounce(true, false, 1), offer: null);

        var (next, say) = wait.Placed(Place(2, null, offer: true), Now, busy: false);

        Assert.False(say!.IsOffer);
        Assert.False(next.Offering);
    }

    [Theory]
    [InlineData('1', QueueChoice.Callback)]
    [InlineData('2', QueueChoice.Message)]
    [InlineData('3', QueueChoice.Stay)]
    [InlineData('9', QueueChoice.None)]
    public void Key_DuringTheOffer_Chooses(char key, QueueChoice choice)
    {
        var wait = Offered(new OfferPolicy { Message = true });

        var (next, chosen) = wait.Key(key);

        Assert.Equal(choice, chosen);
        Assert.Equal(choice == QueueChoice.None, next.Offering);
    }

    [Fact]
    public void Key_BeforeAnyOffer_MeansNothing_AndStayOnlyWhileTheOfferIsOpen()
    {
        var never = Enter(offer: new OfferPolicy { Message = true });
        var closed = Offered(new OfferPolicy { Message = true }).OfferClosed();

        Assert.Equal(QueueChoice.None, never.Key('1').Choice);
        Assert.Equal(QueueChoice.None, closed.Key('3').Choice);
        Assert.Equal(QueueChoice.Callback, closed.Key('1').Choice); // an offer once made can still be taken up
    }

    [Fact]
    public void Key_MessageNotOffered_IsNotAChoice()
    {
        var wait = Offered(new OfferPolicy { Message = false });

        Assert.Equal(QueueChoice.None, wait.Key('2').Choice);
    }

    [Theory]
    [InlineData("callback", "en-US", QueueChoice.Callback)]
    [InlineData("Call me back", "en-GB", QueueChoice.Callback)]
    [InlineData("message", "en-US", QueueChoice.Message)]
    [InlineData("keep waiting", "en-US", QueueChoice.Stay)]
    [InlineData("rappel", "fr-FR", QueueChoice.Callback)]
    [InlineData("patienter", "fr-CA", QueueChoice.Stay)]
    [InlineData("banana", "en-US", QueueChoice.Stay)] // not understood: keeps the caller waiting, as "stay" would
    [InlineData(null, "en-US", QueueChoice.Stay)]
    public void Answered_BySpeech_ActsAsTheKey(string? heard, string locale, QueueChoice choice)
    {
        var wait = Offered(new OfferPolicy { Message = true });

        Assert.Equal(choice, wait.Answered(heard, locale).Choice);
    }

    [Fact]
    public void RouterOffer_StepWithoutTriggers_UsesTheSkills_WithTriggers_MapsThem()
    {
        Assert.Null(QueueWait.RouterOffer(null));
        Assert.Null(QueueWait.RouterOffer(new OfferPolicy()));

        var options = QueueWait.RouterOffer(new OfferPolicy { WhenWaitOver = 90, WhenAbandonRateOver = 0.2, ReofferEvery = 60 })!;

        Assert.Equal(TimeSpan.FromSeconds(90), options.WaitTarget);
        Assert.Equal(0.1, options.AbandonRateReleaseBelow!.Value, 6);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ReofferEvery);
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private QueueWait Enter(QueueAnnounce? announce = null, OfferPolicy? offer = null) =>
        QueueWait.Enter(new EnqueueEffect("billing", 5, offer, announce, [], [], null, null), Now);

    private QueueWait Offered(OfferPolicy offer)
    {
        var (wait, say) = Enter(offer: offer).Placed(Place(3, null, offer: true), Now, busy: false);
        Assert.True(say!.IsOffer);
        return wait;
    }

    private static CallerQueued Place(int position, TimeSpan? wait, int staffed = 10, bool offer = false) =>
        new("billing", position, wait, staffed, new OfferDecision(offer, offer ? OfferReason.ExpectedWaitOverTarget : OfferReason.None));
}

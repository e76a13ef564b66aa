using Ivr.Engine.Calls;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Speech;

namespace Ivr.Tests.Calls;

/// <summary>
/// A call's speech turns over the real recognizer and in-process media, no actors: barge-in, results given to the flow or
/// to the queue's offer, stale results of closed turns dropped, and the no-input timer held while the caller speaks. The
/// recognizer's reports are handed in as the listener posts them to the actor (turn-tagged messages).
/// </summary>
public class SpeechTurnsTests(SpeechCallFixture speech) : IClassFixture<SpeechCallFixture>
{
    private static RecognitionResult Heard(string text) => new(RecognitionKind.Match, text, 0.9, text, TimeSpan.FromMilliseconds(600));

    [Fact]
    public void Started_DuringTheMenuPrompt_BargesIn_AndTheResultTakesTheFlowToItsChoice()
    {
        using var rig = new CallComponentRig("speech-menu", speech: speech.Speech);
        rig.Flow.Start();
        Assert.Equal("en-US/main_menu.wav", rig.Media.Current);
        Assert.True(rig.Speech.BargeIn);

        rig.Speech.Started(new SpeechStarted(1, TimeSpan.FromSeconds(1.2)));
        Assert.Equal(PlaybackKind.None, rig.Playback.Kind);
        Assert.Null(rig.Media.Current);
        rig.Speech.Completed(new SpeechRecognized(1, Heard("technical support")));

        Assert.Equal("support", rig.Step);
        Assert.Equal("en-US/connect_support.wav", rig.Media.Current);
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void Completed_OfATurnClosedByAKey_IsDropped()
    {
        using var rig = new CallComponentRig("speech-menu", speech: speech.Speech);
        rig.Flow.Start();
        rig.Flow.Run!.Digit('3');
        Assert.Equal("sales", rig.Step);

        rig.Speech.Started(new SpeechStarted(1, TimeSpan.FromSeconds(1)));
        rig.Speech.Completed(new SpeechRecognized(1, Heard("billing")));

        Assert.Equal("sales", rig.Step);
        Assert.Equal("en-US/connect_sales.wav", rig.Media.Current);
    }

    [Fact]
    public void Completed_OutOfGrammar_IsANoMatch_TheMenuSaysSoAndListensAgain()
    {
        using var rig = new CallComponentRig("speech-menu", speech: speech.Speech);
        rig.Flow.Start();

        rig.Speech.Completed(new SpeechRecognized(1, new RecognitionResult(RecognitionKind.NoMatch, null, 0.2, "purple elephant", TimeSpan.FromSeconds(1))));

        Assert.Equal("menu", rig.Step);
        Assert.Equal("en-US/main_nomatch_1.wav", rig.Media.Current);
        Assert.True(rig.Speech.BargeIn);
    }

    [Fact]
    public void FlowTimer_FiringWhileTheCallerSpeaks_IsHeldUntilTheResult_WhichMakesItStale()
    {
        using var rig = new CallComponentRig("speech-menu", speech: speech.Speech);
        rig.Flow.Start();
        Assert.Equal(PlaybackKind.Flow, rig.FinishPlaying());
        rig.Flow.Run!.PromptFinished();
        Assert.Equal(TimeSpan.FromSeconds(2), rig.Timers.DueIn<FlowTimerFired>());
        rig.Speech.Started(new SpeechStarted(1, TimeSpan.FromSeconds(3)));

        rig.Flow.TimerFired(rig.Timers.Fire<FlowTimerFired>());
        Assert.Equal("menu", rig.Step);
        Assert.Empty(rig.Self.All<FlowTimerFired>());
        rig.Speech.Completed(new SpeechRecognized(1, Heard("billing")));
        var held = Assert.Single(rig.Self.All<FlowTimerFired>());
        rig.Flow.TimerFired(held);

        Assert.Equal("billing", rig.Step);
        Assert.Equal("en-US/connect_billing.wav", rig.Media.Current);
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void Completed_ForAQueueOffer_GoesToTheQueue_WhichLeavesTheLineForACallback()
    {
        using var rig = new CallComponentRig("queue-offer", speech: speech.Speech);
        rig.Flow.Start();
        rig.Queue.Handle(new CallerQueued("billing", 4, TimeSpan.FromMinutes(6), 2, new OfferDecision(true, OfferReason.ExpectedWaitOverTarget)));
        Assert.True(rig.Speech.ForOffer);

        rig.Speech.Completed(new SpeechRecognized(1, Heard("callback")));

        Assert.Equal(QueueExit.Callback, rig.Router.All<LeaveQueue>().Single().Exit);
        Assert.Equal("callback_chosen", rig.Step);
        Assert.False(rig.Speech.ForOffer);
    }
}

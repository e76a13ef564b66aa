using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Ivr.Tests.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>
/// A queue offer answered by speech (issue 2: "the caller answers by DTMF or speech"): a live call actor waits in the real
/// router's queue, the offer is made at once, and the caller's espeak-ng utterance, fed as 20 ms frames, is decoded by the
/// real PocketSphinx recognizer — "callback" and "message" take their branches as keys 1 and 2 would.
/// </summary>
public class QueueOfferSpeechTests(SpeechCallFixture speech, ITestOutputHelper output) : CallTestKit(output), IClassFixture<SpeechCallFixture>
{
    [Fact]
    public void SayingCallback_DuringTheOffer_TakesTheCallbackBranch()
    {
        var media = StartQueuedCall();

        Feed(media, speech.Said["callback"]);

        AwaitPlaying(media, "en-US/callback_goodbye.wav");
        Assert.Equal(1, SpeechMetrics.Recognitions.Get("match"));
    }

    [Fact]
    public void SayingMessage_DuringTheOffer_TakesTheMessageBranch()
    {
        var media = StartQueuedCall();

        Feed(media, speech.Said["message"]);

        AwaitPlaying(media, "en-US/leave_message.wav");
        Assert.Equal(1, SpeechMetrics.Recognitions.Get("match"));
    }

    [Fact]
    public void Nonsense_DuringTheOffer_NeitherBooksNorRecords_AndKeysStillWork()
    {
        var media = StartQueuedCall();

        Feed(media, speech.Said["purple elephant umbrella"]);
        AwaitCondition(() => SpeechMetrics.Recognitions.Total >= 1, TimeSpan.FromSeconds(20));
        // A three-word grammar may hear it as "wait" (stay) or not at all: either way the caller keeps their place.
        Assert.DoesNotContain("en-US/callback_goodbye.wav", media.Played);
        Assert.DoesNotContain("en-US/leave_message.wav", media.Played);

        // Still queued, and the offer's key still answers (the offer was made: keys keep working while queued).
        media.Press('1');
        AwaitPlaying(media, "en-US/callback_goodbye.wav");
    }

    private InProcessMediaSession StartQueuedCall()
    {
        var agents = new AgentsConfig { Skills = [new SkillConfig { Id = "billing" }], Agents = [] };
        var router = Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus()) { InitialState = AgentState.Away }));
        var manager = StartManager(speech.Settings, new FlowLookup(speech.Flows.Find), speech.Speech, router: router);
        Call(manager, "queue");
        var media = MediaOf(0);
        // Hold music, then the offer — text, nothing to play without synthesis, so the hold music starts again at once;
        // the offer's listening turn opens in the same step.
        AwaitCondition(() => media.Played.Count(p => p == "common/hold.wav") >= 2, TimeSpan.FromSeconds(20));
        return media;
    }

    private static void Feed(InProcessMediaSession media, ReadOnlySpan<short> audio)
    {
        for (var i = 0; i + SpeechTestAudio.FrameSamples <= audio.Length; i += SpeechTestAudio.FrameSamples)
            media.Hear(audio.Slice(i, SpeechTestAudio.FrameSamples));
    }
}

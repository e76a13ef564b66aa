using Akka.Actor;
using Akka.TestKit;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>The flow's timeouts run on Akka timers: driven here by the TestKit's virtual <see cref="TestScheduler"/>.</summary>
public class CallTimerTests(ITestOutputHelper output)
    : CallTestKit(output, "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
{
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void MenuTimeout_FiresOnlyAfterTheFlowsTimeout_AndPlaysTheNoInputPrompt()
    {
        var manager = StartManager();
        Call(manager);
        var media = MediaOf(0);
        AwaitPlaying(media, "en-US/welcome.wav");
        media.FinishClip();
        AwaitPlaying(media, "en-US/language_english.wav");
        media.FinishClip();
        AwaitPlaying(media, "fr-FR/language_french.wav");
        media.FinishClip();
        SyncWithCalls();

        Scheduler.Advance(TimeSpan.FromSeconds(4.9));
        SyncWithCalls();
        Assert.Equal(3, media.Played.Count);

        Scheduler.Advance(TimeSpan.FromSeconds(0.1));
        AwaitPlaying(media, "en-US/language_retry.wav");
    }

    [Fact]
    public void QueueWithoutRouter_HoldsThenFailsAfterMaxWait()
    {
        var manager = StartManager();
        Call(manager, "services");
        var media = MediaOf(0);
        AwaitAssert(() => Assert.True(media.Started));
        SyncWithCalls();

        media.Press('1');
        AwaitPlaying(media, "common/hold.wav");
        media.FinishClip();
        AwaitAssert(() => Assert.Equal(["common/hold.wav", "common/hold.wav"], media.Played));
        Scheduler.Advance(TimeSpan.FromSeconds(29));
        SyncWithCalls();
        Assert.Equal("common/hold.wav", media.Current);

        Scheduler.Advance(TimeSpan.FromSeconds(1));
        AwaitPlaying(media, "en-US/queue_unavailable.wav");
    }
}

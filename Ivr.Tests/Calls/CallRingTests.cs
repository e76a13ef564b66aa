using Akka.TestKit;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>The ring phase (<c>Calls:RingFor</c>): 180 Ringing, the answer after the delay, CANCEL while ringing. Virtual time.</summary>
public class CallRingTests(ITestOutputHelper output)
    : CallTestKit(output, "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
{
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void RingFor_Sends180_ThenAnswersOnlyAfterTheDelay()
    {
        var manager = StartManager(ringFor: TimeSpan.FromSeconds(3));
        var session = Call(manager);
        var media = MediaOf(0);
        AwaitAssert(() => Assert.Equal(["180"], session.Events));

        Scheduler.Advance(TimeSpan.FromSeconds(2.9));
        SyncWithCalls();
        Assert.Equal(["180"], session.Events);
        Assert.False(media.Started);

        Scheduler.Advance(TimeSpan.FromSeconds(0.1));
        AwaitAssert(() => Assert.Equal(["180", "200"], session.Events));
        AwaitPlaying(media, "en-US/welcome.wav");
    }

    [Fact]
    public void Cancel_WhileRinging_EndsTheCallUnanswered_AndNoActorIsLeft()
    {
        var manager = StartManager(ringFor: TimeSpan.FromSeconds(3));
        var session = Call(manager);
        var media = MediaOf(0);
        AwaitAssert(() => Assert.Equal(["180"], session.Events));

        session.CallerCancels();
        AwaitLive(manager, 0);
        Scheduler.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["180"], session.Events);
        Assert.False(session.IsAnswered);
        Assert.True(media.IsClosed);
        Assert.False(media.Started);
        Assert.Empty(media.Played);
    }

    [Fact]
    public void NoRingFor_AnswersAtOnce_WithoutA180()
    {
        var manager = StartManager();
        var session = Call(manager);

        AwaitAssert(() => Assert.Equal(["200"], session.Events));
    }
}

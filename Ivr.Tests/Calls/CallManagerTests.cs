using Akka.Actor;
using Ivr.Engine.Calls;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>The call manager with real actors: rejections, drain, capacity and many calls.</summary>
public class CallManagerTests(ITestOutputHelper output) : CallTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void UnknownNumber_IsRejectedWith404_AndNoActorIsSpawned()
    {
        var manager = StartManager();

        var session = Call(manager, "nobody");

        AwaitAssert(() => Assert.Equal(404, session.RejectedWith), Wait);
        Assert.Equal(new LiveCallsResult(0, 0, 0, 1, false), LiveCalls(manager));
        Assert.Empty(Media.Sessions);
    }

    [Fact]
    public void NoCommonCodec_IsRejectedWith488AndAWarning()
    {
        var manager = StartManager();

        var session = Call(manager, sdp: InProcessInviteSession.G729Offer);

        AwaitAssert(() => Assert.Equal(488, session.RejectedWith), Wait);
        Assert.Contains(session.RejectHeaders, h => h.Name == "Warning" && h.Value.StartsWith("399 ivr \"No acceptable audio stream", StringComparison.Ordinal));
        Assert.Empty(Media.Sessions);
    }

    [Fact]
    public void EachCall_IsAChildNamedAfterItsCallId_EvenWhenACallIdRepeats()
    {
        var manager = StartManager();
        manager.Tell(new IncomingCall(new InProcessInviteSession("same/id")));
        manager.Tell(new IncomingCall(new InProcessInviteSession("same/id")));
        AwaitAssert(() => Assert.Equal(2, LiveCalls(manager).Live), Wait);

        Sys.ActorSelection("/user/calls/same_id").Tell(new Identify(1), TestActor);
        Assert.NotNull(ExpectMsg<ActorIdentity>(Wait).Subject);
        Sys.ActorSelection("/user/calls/same_id~1").Tell(new Identify(2), TestActor);
        Assert.NotNull(ExpectMsg<ActorIdentity>(Wait).Subject);
    }

    [Fact]
    public void OverMaxCalls_IsRejectedWith503AndRetryAfter()
    {
        var manager = StartManager(CallTestFlows.Settings with { MaxCalls = 1 });
        Call(manager);
        AwaitPlaying(MediaOf(0), "en-US/welcome.wav");

        var second = Call(manager);

        AwaitAssert(() => Assert.Equal(503, second.RejectedWith), Wait);
        Assert.Contains(second.RejectHeaders, h => h is { Name: "Retry-After", Value: "5" });
    }

    [Fact]
    public void Drain_RejectsNewCallsWith503_AndCompletesWhenTheLastCallEnds()
    {
        var manager = StartManager();
        var first = Call(manager);
        AwaitPlaying(MediaOf(0), "en-US/welcome.wav");

        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);
        var late = Call(manager);
        AwaitAssert(() => Assert.Equal(503, late.RejectedWith), Wait);
        Assert.Contains(late.RejectHeaders, h => h.Name == "Retry-After");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        first.CallerHangsUp();

        Assert.Equal(new DrainCompleted(0, false), ExpectMsg<DrainCompleted>(Wait));
        Assert.True(LiveCalls(manager).Draining);
    }

    [Fact]
    public void Drain_Timeout_HangsUpTheCallsLeft()
    {
        var manager = StartManager(CallTestFlows.Settings with { DrainGrace = TimeSpan.FromSeconds(20) });
        var call = Call(manager);
        AwaitPlaying(MediaOf(0), "en-US/welcome.wav");

        manager.Tell(new Drain(TimeSpan.FromMilliseconds(100)), TestActor);

        Assert.Equal(new DrainCompleted(0, true), ExpectMsg<DrainCompleted>(Wait));
        Assert.Equal(["200", "BYE"], call.Events);
    }

    [Fact]
    public void TwoHundredCalls_StartedAndEnded_LeaveNoLiveCall()
    {
        var manager = StartManager();
        var sessions = Enumerable.Range(0, 200).Select(_ => Call(manager)).ToList();
        AwaitCondition(() => Media.Sessions.Count == 200 && Media.Sessions.All(m => m.Current == "en-US/welcome.wav"), Wait);
        Assert.Equal(200, LiveCalls(manager).Live);

        foreach (var session in sessions) session.CallerHangsUp();

        AwaitLive(manager, 0);
        Assert.Equal(new LiveCallsResult(0, 200, 0, 0, false), LiveCalls(manager));
        Assert.All(Media.Sessions, m => Assert.True(m.IsClosed));
    }
}

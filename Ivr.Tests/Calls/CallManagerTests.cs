using System.Text.RegularExpressions;
using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Tests.Media;
using Ivr.Tests.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>The call manager with real actors: rejections, answers, drain (also over a real SIP stack), capacity and many calls.</summary>
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

    public static TheoryData<string> OfferFiles() => [.. SdpTestData.OfferNames()];

    [Theory]
    [MemberData(nameof(OfferFiles))]
    public void EveryTestOffer_IsAnsweredAsRecorded_AtTheReservedPort_OrRejectedWithTheRecordedReason(string name)
    {
        var manager = StartManager();

        var session = Call(manager, sdp: SdpTestData.Load(name + ".sdp"));

        var recorded = SdpTestData.RecordedAnswer(name);
        if (recorded.StartsWith("488 ", StringComparison.Ordinal))
        {
            AwaitAssert(() => Assert.Equal(488, session.RejectedWith), Wait);
            var reason = recorded[4..].TrimEnd('\r', '\n').Replace("\"", "'", StringComparison.Ordinal);
            Assert.Contains(session.RejectHeaders, h => h is { Name: "Warning" } && h.Value == $"399 ivr \"{reason}\"");
            Assert.Empty(Media.Sessions);
            return;
        }

        AwaitAssert(() => Assert.NotNull(session.SdpAnswer), Wait);
        // The first reservation of the in-process factory is port 10002; the origin's session id is random per call.
        var answer = Regex.Replace(session.SdpAnswer!, @"^o=- \d+ \d+ ", "o=- 42 42 ", RegexOptions.Multiline);
        Assert.Equal(recorded.Replace("m=audio 20000 ", "m=audio 10002 ", StringComparison.Ordinal), answer);
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
    public async Task Drain_InviteOverARealSipStack_Gets503WithRetryAfter_DecidedByTheManagerNotTheStack()
    {
        var manager = StartManager();
        await using var stack = new SipStack(new SipStackSettings { Port = 0, EnableTcp = false }, NullLoggerFactory.Instance)
        {
            IncomingCallHandler = new IncomingCallHandler(manager),
        };
        await stack.StartAsync(CancellationToken.None);
        using var client = RawSipClient.Udp(stack.UdpEndPoint!.Value.EndPoint);
        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);
        Assert.Equal(new DrainCompleted(0, false), ExpectMsg<DrainCompleted>(Wait));

        client.Send(client.Invite("drain-wire-1", "z9hG4bKdrainwire1"));
        await client.ExpectResponseAsync(100);
        var busy = await client.ExpectResponseAsync(503);

        Assert.Equal("5", busy.Headers[SipHeaderNames.RetryAfter]);
        Assert.Equal(0, stack.Counters.Rejected503);
        Assert.Equal(new LiveCallsResult(0, 0, 0, 1, true), LiveCalls(manager));
        Assert.Empty(Media.Sessions);
    }

    [Fact]
    public async Task Drain_OptionsOverARealSipStack_200Before503WithRetryAfterFromTheMomentTheDrainBegins()
    {
        var intake = new CallIntake();
        var manager = StartManager(intake: intake);
        await using var stack = new SipStack(new SipStackSettings { Port = 0, EnableTcp = false }, NullLoggerFactory.Instance)
        {
            IncomingCallHandler = new IncomingCallHandler(manager, intake),
        };
        await stack.StartAsync(CancellationToken.None);
        using var client = RawSipClient.Udp(stack.UdpEndPoint!.Value.EndPoint);
        client.Send(client.Options("probe-1", "z9hG4bKprobe1"));
        await client.ExpectResponseAsync(200);

        // A call is still up: the drain has begun but is not complete, and a dispatcher's probe must already see 503.
        Call(manager);
        AwaitPlaying(MediaOf(0), "en-US/welcome.wav");
        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);
        AwaitAssert(() => Assert.True(LiveCalls(manager).Draining), Wait);
        Assert.False(intake.IsOpen);

        client.Send(client.Options("probe-2", "z9hG4bKprobe2"));
        var busy = await client.ExpectResponseAsync(503);
        Assert.NotNull(busy.Headers[SipHeaderNames.RetryAfter]);
        Assert.Equal(1, LiveCalls(manager).Live);
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
    public void Drain_WaitsForACallbackCallOnTheBoard_AndCompletesWhenItEnds()
    {
        // A callback's customer talking to an agent is the dialler's call, not this manager's: it is on the board.
        var ops = CallOps.Detached(TimeProvider.System);
        var manager = StartManager(ops: ops);
        var callback = ops.Board.OpenCallback(new CallbackAttemptInfo(7, 1, "+33123456789", "ivr", "billing", "a1"));

        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);
        ExpectNoMsg(TimeSpan.FromSeconds(1.5));
        ops.Board.Close(callback, "connected:customer-hangup");

        Assert.Equal(new DrainCompleted(0, false), ExpectMsg<DrainCompleted>(Wait));
    }

    [Fact]
    public void Drain_Timeout_WithACallbackStillOnTheBoard_CompletesTimedOut()
    {
        var ops = CallOps.Detached(TimeProvider.System);
        var manager = StartManager(CallTestFlows.Settings with { DrainGrace = TimeSpan.FromSeconds(20) }, ops: ops);
        ops.Board.OpenCallback(new CallbackAttemptInfo(8, 1, "+33123456789", "ivr", "billing", "a1"));

        manager.Tell(new Drain(TimeSpan.FromMilliseconds(200)), TestActor);

        Assert.Equal(new DrainCompleted(0, true), ExpectMsg<DrainCompleted>(Wait));
    }

    [Fact]
    public void Drain_TellsTheRouterToDialNoNewCallback_Once()
    {
        var router = CreateTestProbe("router");
        var manager = StartManager(router: router.Ref);

        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);
        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);

        router.ExpectMsg<StopDiallingCallbacks>(Wait);
        router.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.True(LiveCalls(manager).Draining);
    }

    [Fact]
    public void Drain_AskedAgainWithNoTimeLeft_HangsUpTheLiveCallsAtOnce()
    {
        // A second Ctrl-C or SIGTERM during a long drain.
        var manager = StartManager();
        var call = Call(manager);
        AwaitPlaying(MediaOf(0), "en-US/welcome.wav");
        manager.Tell(new Drain(TimeSpan.FromMinutes(5)), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        manager.Tell(new Drain(TimeSpan.Zero), TestActor);

        Assert.Equal(new DrainCompleted(0, true), ExpectMsg<DrainCompleted>(Wait));
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

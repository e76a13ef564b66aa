using Ivr.Engine.Calls;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>One call driven in-process through the SIP and media seams: answer, prompts, DTMF, hangups, faults.</summary>
public class CallActorTests(ITestOutputHelper output) : CallTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public void IncomingCall_IsAnsweredWithTheReservedPort_AndPlaysTheFirstPrompt()
    {
        var manager = StartManager();
        var session = Call(manager);
        var media = MediaOf(0);

        AwaitPlaying(media, "en-US/welcome.wav");
        Assert.Equal(["200"], session.Events);
        Assert.Contains("m=audio 10002 RTP/AVP 0 101", session.SdpAnswer, StringComparison.Ordinal);
        Assert.True(media.Started);
        Assert.Equal(40000, media.RemoteEndPoint.Port);
    }

    [Fact]
    public void Dtmf_MovesTheHotlineToTheChosenBranch()
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
        media.Press('1');
        AwaitPlaying(media, "en-US/main_menu.wav");
        media.Press('2');

        AwaitPlaying(media, "en-US/connect_support.wav");
        Assert.Equal(
            ["en-US/welcome.wav", "en-US/language_english.wav", "fr-FR/language_french.wav", "en-US/main_menu.wav", "en-US/connect_support.wav"],
            media.Played);
    }

    [Fact]
    public void FlowEnd_HangsUpWithBye_AndTheActorStops()
    {
        var manager = StartManager();
        var session = Call(manager, "goodbye");
        var media = MediaOf(0);

        AwaitPlaying(media, "en-US/welcome.wav");
        media.FinishClip();

        AwaitAssert(() => Assert.Equal(["200", "BYE"], session.Events), Wait);
        AwaitLive(manager, 0);
        Assert.True(media.IsClosed);
    }

    [Fact]
    public void KeyPressedBeforeTheAnswerCompletes_IsGivenToTheFlow_NotDropped()
    {
        // A phone shows the call answered on the 200 OK and the caller may key at once, before the ACK has reached us.
        var gate = new TaskCompletionSource();
        Media.Configure = (m, _) => m.StartGate = gate.Task;
        var manager = StartManager();
        Call(manager, "services");
        var media = MediaOf(0);

        media.Press('1');
        gate.SetResult();

        AwaitPlaying(media, "common/hold.wav");
    }

    [Fact]
    public void Cancel_BeforeTheAnswer_StopsTheActorWithoutAnswering()
    {
        var gate = new TaskCompletionSource();
        Media.Configure = (m, _) => m.StartGate = gate.Task;
        var manager = StartManager();
        var session = Call(manager);
        var media = MediaOf(0);

        session.CallerCancels();
        AwaitLive(manager, 0);
        gate.SetResult();

        Assert.Empty(session.Events);
        Assert.False(session.IsAnswered);
        Assert.True(media.IsClosed);
        Assert.Empty(media.Played);
    }

    /// <summary>
    /// A CANCEL right behind the INVITE, before the call actor subscribed to it (here: before the manager even saw the
    /// call): the actor reads the session's state, ends as cancelled, answers nothing and counts no failure. It used to
    /// miss the event, answer, and end with a 500 as a failed call (seen once under a loaded suite).
    /// </summary>
    [Fact]
    public void CancelBeforeTheActorSubscribed_IsStillSeen_NothingAnsweredNoFailure()
    {
        var manager = StartManager();
        var session = new InProcessInviteSession("call-early-cancel@test/hotline", "hotline", sdpOffer: InProcessInviteSession.PcmuOffer);
        session.CallerCancels();

        manager.Tell(new IncomingCall(session), Akka.Actor.ActorRefs.NoSender);
        var media = MediaOf(0);

        AwaitAssert(() => Assert.True(media.IsClosed), TimeSpan.FromSeconds(20));
        AwaitLive(manager, 0);
        Assert.Empty(session.Events);
        Assert.False(session.IsAnswered);
        Assert.Empty(media.Played);
    }

    [Fact]
    public void CallerBye_MidPrompt_ClosesTheMediaAndStopsTheActor()
    {
        var manager = StartManager();
        var session = Call(manager);
        var media = MediaOf(0);
        AwaitPlaying(media, "en-US/welcome.wav");

        session.CallerHangsUp();

        AwaitLive(manager, 0);
        Assert.True(media.IsClosed);
        Assert.Equal(0, session.Hangups);
        Assert.Equal(["200"], session.Events);
    }

    [Fact]
    public void FaultInOneCall_EndsOnlyThatCall_WhileAnotherCarriesOn()
    {
        Media.Configure = (m, index) =>
        {
            if (index == 0) m.FailOnPlay = new InvalidOperationException("media exploded");
        };
        var manager = StartManager();
        var faulty = Call(manager);
        var healthy = Call(manager);
        var healthyMedia = MediaOf(1);

        AwaitAssert(() => Assert.Equal(["200", "BYE"], faulty.Events), Wait);
        AwaitAssert(() => Assert.Equal(new LiveCallsResult(1, 2, 1, 0, false), LiveCalls(manager)), Wait);
        Assert.True(MediaOf(0).IsClosed);

        AwaitPlaying(healthyMedia, "en-US/welcome.wav");
        healthyMedia.FinishClip();
        AwaitPlaying(healthyMedia, "en-US/language_english.wav");
        Assert.Equal(["200"], healthy.Events);
    }

    [Fact]
    public void ExceptionEscapingAHandler_IsStoppedBySupervision_AndTheCallEndsWithBye()
    {
        var manager = StartManager();
        var faulty = Call(manager, "services");
        var healthy = Call(manager, "services");
        var media = MediaOf(0);
        var healthyMedia = MediaOf(1);
        media.Press('1');
        AwaitPlaying(media, "common/hold.wav");

        // Replaying hold audio is outside the flow's guarded calls: the throw escapes to the manager's strategy (Stop).
        media.FailOnPlay = new InvalidOperationException("media exploded");
        media.FinishClip();

        AwaitAssert(() => Assert.Equal(["200", "BYE"], faulty.Events), Wait);
        AwaitAssert(() => Assert.Equal(new LiveCallsResult(1, 2, 1, 0, false), LiveCalls(manager)), Wait);
        Assert.True(media.IsClosed);
        healthyMedia.Press('1');
        AwaitPlaying(healthyMedia, "common/hold.wav");
        Assert.Equal(["200"], healthy.Events);
    }

    [Fact]
    public void FaultBeforeTheAnswer_RejectsWith500()
    {
        Media.Configure = (m, _) => m.StartGate = Task.FromException(new IOException("no socket"));
        var manager = StartManager();
        var session = Call(manager);

        AwaitAssert(() => Assert.Equal(["500"], session.Events), Wait);
        AwaitAssert(() => Assert.Equal(1, LiveCalls(manager).Failed), Wait);
        Assert.Equal(0, LiveCalls(manager).Live);
    }

    [Fact]
    public void TextOnlyPrompt_IsSkipped_AndTheFlowGoesOn()
    {
        var manager = StartManager();
        Call(manager, "services");
        var media = MediaOf(0);

        // The menu prompt is text only: nothing is played, the menu listens at once and takes the key.
        media.Press('1');

        AwaitPlaying(media, "common/hold.wav");
    }

    [Fact]
    public void Transfer_ByRefer_SendsReferThenHangsUp()
    {
        var manager = StartManager();
        var session = Call(manager, "services");
        var media = MediaOf(0);

        media.Press('2');

        AwaitAssert(() => Assert.Equal(["200", "REFER sip:agent@127.0.0.1", "BYE"], session.Events), Wait);
        AwaitLive(manager, 0);
    }

    [Fact]
    public void Message_BeepsThenRecordsUntilTheFinishKey()
    {
        var manager = StartManager();
        var session = Call(manager, "services");
        var media = MediaOf(0);

        media.Press('3');
        AwaitPlaying(media, "common/beep.wav");
        media.FinishClip();
        AwaitAssert(() => Assert.True(Directory.Exists(RecordingsFolder) && Directory.GetFiles(RecordingsFolder).Length == 1), Wait);
        media.Hear(new short[160]);
        media.Press('#');

        AwaitAssert(() => Assert.Equal(["200", "BYE"], session.Events), Wait);
        var file = Assert.Single(Directory.GetFiles(RecordingsFolder));
        Assert.Equal(44 + 320, new FileInfo(file).Length);
    }
}

using Akka.Actor;
using Ivr.Engine.Calls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>A TestKit with a real <see cref="CallManager"/> over the in-process SIP and media test doubles.</summary>
public abstract class CallTestKit : Akka.TestKit.Xunit2.TestKit
{
    private int _calls;

    protected CallTestKit(ITestOutputHelper output, string? config = null)
        : base(config ?? string.Empty, output)
    {
    }

    internal InProcessMediaFactory Media { get; } = new();

    internal CallMetrics Metrics { get; } = new();

    /// <summary>The speech counters the calls of this kit feed (on a detached meter).</summary>
    internal Ivr.Engine.Speech.SpeechMetrics SpeechMetrics { get; } = new();

    internal string RecordingsFolder { get; } = Path.Combine(Path.GetTempPath(), "ivr-call-tests", Guid.NewGuid().ToString("N"));

    internal IActorRef StartManager(
        CallManagerSettings? settings = null, IFlowCatalog? flows = null, CallSpeech? speech = null, IPromptClipProvider? prompts = null,
        IActorRef? router = null, TimeSpan? ringFor = null, TimeSpan? offerKeyTimeout = null, CallOps? ops = null, CallIntake? intake = null)
    {
        var time = new FakeTimeProvider(CallTestFlows.OfficeOpen);
        var services = new CallServices(
            prompts ?? CallTestFlows.Prompts,
            time,
            NullLoggerFactory.Instance,
            Metrics,
            RecordingsFolder)
        {
            Words = CallTestFlows.Words,
            Speech = speech ?? CallSpeech.None,
            RingFor = ringFor ?? TimeSpan.Zero,
            Router = router,
            OfferKeyTimeout = offerKeyTimeout ?? TimeSpan.FromSeconds(8),
            Ops = (ops ?? CallOps.Detached(time)) with { Speech = SpeechMetrics },
            Intake = intake ?? new CallIntake(),
        };
        return Sys.ActorOf(CallManager.Props(settings ?? CallTestFlows.Settings, flows ?? CallTestFlows.Catalog, Media, services), "calls");
    }

    /// <summary>Sends a new INVITE to the manager.</summary>
    internal InProcessInviteSession Call(IActorRef manager, string dialled = "hotline", string? sdp = InProcessInviteSession.PcmuOffer)
    {
        var session = new InProcessInviteSession($"call-{Interlocked.Increment(ref _calls)}@test/{dialled}", dialled, sdpOffer: sdp);
        manager.Tell(new IncomingCall(session));
        return session;
    }

    /// <summary>Waits until the <paramref name="index"/>-th media session exists and returns it.</summary>
    internal InProcessMediaSession MediaOf(int index)
    {
        AwaitCondition(() => Media.Sessions.Count > index, TimeSpan.FromSeconds(20));
        return Media.Sessions[index];
    }

    internal void AwaitPlaying(InProcessMediaSession media, string clip) =>
        AwaitAssert(() => Assert.Equal(clip, media.Current), TimeSpan.FromSeconds(20));

    /// <summary>Returns once the one live call actor has handled what was posted to it before (its mailbox is FIFO).</summary>
    internal void SyncWithCalls()
    {
        Sys.ActorSelection("/user/calls/*").Tell(new Identify("sync"), TestActor);
        ExpectMsg<ActorIdentity>(TimeSpan.FromSeconds(20));
    }

    internal LiveCallsResult LiveCalls(IActorRef manager) =>
        manager.Ask<LiveCallsResult>(GetLiveCalls.Instance, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();

    internal void AwaitLive(IActorRef manager, int live) =>
        AwaitAssert(() => Assert.Equal(live, LiveCalls(manager).Live), TimeSpan.FromSeconds(30));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Metrics.Dispose();
            if (Directory.Exists(RecordingsFolder)) Directory.Delete(RecordingsFolder, recursive: true);
        }
    }
}

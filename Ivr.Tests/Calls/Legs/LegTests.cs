using System.Collections.Concurrent;
using System.Net;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;

namespace Ivr.Tests.Calls.Legs;

/// <summary>The leg component over in-process SIP and media seams: playback numbering, keys, hang-ups and bridging, no actors.</summary>
public class LegTests
{
    private static readonly AudioClip Hello = new(new short[1600], "hello");
    private static readonly AudioClip World = new(new short[1600], "world");

    [Fact]
    public void Play_QueuesTheClipsBackToBack_AndReportsTheEndOnceWithItsNumber()
    {
        var (leg, media, events) = Outbound();

        var play = leg.Play([Hello, World]);
        media.FinishClip();
        Assert.Empty(events.Played);
        media.FinishClip();

        Assert.Equal(["hello", "world"], media.Played);
        Assert.Equal([play], events.Played);
        Assert.False(leg.IsPlaying);
    }

    [Fact]
    public void Play_ReplacingAPlay_StopsIt_AndItsEndIsNeverReported()
    {
        var (leg, media, events) = Outbound();

        var first = leg.Play([Hello]);
        var second = leg.Play([World]);
        media.FinishClip();

        Assert.NotEqual(first, second);
        Assert.Equal(1, media.Stops);
        Assert.Equal([second], events.Played);
    }

    [Fact]
    public void StopPlayback_ThenTheMediaReportsAnEnd_IsStale()
    {
        var (leg, media, events) = Outbound();
        leg.Play([Hello]);

        leg.StopPlayback();
        media.FinishClip();

        Assert.Empty(events.Played);
        Assert.Equal(1, media.Stops);
    }

    [Fact]
    public void Play_NothingPlayable_EndsAtOnce()
    {
        var (leg, _, events) = Outbound();

        var play = leg.Play([]);

        Assert.Equal([play], events.Played);
    }

    [Fact]
    public void Keys_ReachTheListener()
    {
        var (_, media, events) = Outbound();

        media.Press('4');
        media.Press('#');

        Assert.Equal("4#", events.Digits);
    }

    [Fact]
    public void Keys_BeforeAListenerIsAttached_AreGivenToItFirst()
    {
        var media = new InProcessMediaSession(Negotiated());
        var leg = new OutboundLeg(new InProcessOutboundCall("early"), media);
        var events = new Recorder();

        media.Press('1');
        media.Press('2');
        leg.Attach(events);
        media.Press('3');

        Assert.Equal("123", events.Digits);
    }

    [Fact]
    public void FarEndHangsUp_BeforeAListenerIsAttached_IsReportedToItOnce()
    {
        var call = new InProcessOutboundCall("gone");
        var media = new InProcessMediaSession(Negotiated());
        var leg = new OutboundLeg(call, media);
        var events = new Recorder();

        call.FarEndHangsUp();
        leg.Attach(events);
        leg.Attach(events);

        Assert.Equal(1, events.HangUps);
        Assert.True(leg.IsEnded);
        Assert.True(media.IsClosed);
    }

    [Fact]
    public void PlaybackEnd_TaggedWithAnEarlierPlay_IsNotTheCurrentOnes()
    {
        var (leg, media, events) = Outbound();
        var first = leg.Play([Hello]);

        // The media decided the first play had ended, then the owner started another before that end was raised.
        var second = leg.Play([World]);
        media.RaisePlaybackFinished(first);
        Assert.Empty(events.Played);

        media.FinishClip();
        Assert.Equal([second], events.Played);
    }

    [Fact]
    public async Task HangupAsync_SendsOneBye_ClosesTheMedia_AndPlaysNothingAfter()
    {
        var (leg, media, _) = Outbound(out var call);

        await leg.HangupAsync(CancellationToken.None);
        await leg.HangupAsync(CancellationToken.None);
        leg.Play([Hello]);

        Assert.Equal(1, call.Byes);
        Assert.True(media.IsClosed);
        Assert.True(leg.IsEnded);
        Assert.Empty(media.Played);
    }

    [Fact]
    public async Task FarEndHangsUp_ClosesTheMedia_TellsTheListener_AndNoByeFollows()
    {
        var (leg, media, events) = Outbound(out var call);

        call.FarEndHangsUp();
        await leg.HangupAsync(CancellationToken.None);

        Assert.Equal(1, events.HangUps);
        Assert.True(media.IsClosed);
        Assert.Equal(0, call.Byes);
    }

    [Fact]
    public async Task Inbound_AnswerStartsTheMediaThenAccepts_CancelIsReported_RejectEndsIt()
    {
        var session = new InProcessInviteSession("in-1");
        var media = new InProcessMediaSession(Negotiated());
        var leg = new InboundLeg(session, media);
        var events = new Recorder();
        leg.Attach(events);

        Assert.True(await leg.AnswerAsync("v=0", CancellationToken.None));
        Assert.True(media.Started);
        Assert.True(session.IsAnswered);

        var cancelling = new InProcessInviteSession("in-2");
        var cancelled = new InboundLeg(cancelling, new InProcessMediaSession(Negotiated()));
        var cancelEvents = new Recorder();
        cancelled.Attach(cancelEvents);
        cancelling.CallerCancels();
        var rejected = new InProcessInviteSession("in-3");
        var rejectedLeg = new InboundLeg(rejected, new InProcessMediaSession(Negotiated()));
        rejectedLeg.Reject(486);

        Assert.Equal(1, cancelEvents.Cancels);
        Assert.True(cancelled.IsCancelled);
        Assert.True(cancelled.IsEnded);
        Assert.Equal(486, rejected.RejectedWith);
        Assert.True(rejectedLeg.IsEnded);
        Assert.False(leg.IsEnded);
    }

    [Fact]
    public void BridgeTo_RelaysAudioAndKeysBothWays_UntilDisposed()
    {
        var (caller, callerMedia, _) = Outbound();
        var (agent, agentMedia, _) = Outbound();
        caller.Play([Hello]);

        var bridge = caller.BridgeTo(agent);
        callerMedia.Hear(new short[160]);
        agentMedia.Hear(new short[240]);
        callerMedia.Press('7');
        bridge.Dispose();
        callerMedia.Hear(new short[160]);

        Assert.False(caller.IsPlaying);
        Assert.Equal(160, agentMedia.SentAudioSamples);
        Assert.Equal(240, callerMedia.SentAudioSamples);
        Assert.Equal("7", agentMedia.SentDigits);
    }

    private static (OutboundLeg Leg, InProcessMediaSession Media, Recorder Events) Outbound() => Outbound(out _);

    private static (OutboundLeg Leg, InProcessMediaSession Media, Recorder Events) Outbound(out InProcessOutboundCall call)
    {
        call = new InProcessOutboundCall("out-" + Guid.NewGuid().ToString("N"));
        var media = new InProcessMediaSession(Negotiated());
        var leg = new OutboundLeg(call, media);
        var events = new Recorder();
        leg.Attach(events);
        return (leg, media, events);
    }

    /// <summary>A PCMU/20 send-receive stream to a loopback peer, for in-process media sessions.</summary>
    internal static NegotiatedMedia Negotiated() =>
        new(MediaFormat.Default, new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 40001), MediaDirection.SendRecv);

    /// <summary>What a leg reported.</summary>
    internal sealed class Recorder : ILegListener
    {
        private readonly ConcurrentQueue<int> _played = new();
        private readonly ConcurrentQueue<char> _digits = new();
        private int _hangUps;
        private int _cancels;

        public IReadOnlyList<int> Played => [.. _played];

        public string Digits => string.Concat(_digits);

        public int HangUps => Volatile.Read(ref _hangUps);

        public int Cancels => Volatile.Read(ref _cancels);

        public void DigitReceived(char digit) => _digits.Enqueue(digit);

        public void PlaybackFinished(int play) => _played.Enqueue(play);

        public void HungUp() => Interlocked.Increment(ref _hangUps);

        public void Cancelled() => Interlocked.Increment(ref _cancels);
    }
}

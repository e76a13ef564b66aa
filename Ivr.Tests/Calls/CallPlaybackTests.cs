using Ivr.Engine.Calls;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;
using Ivr.Tests.Calls.Legs;

namespace Ivr.Tests.Calls;

/// <summary>What the caller hears, over an in-process leg: one kind at a time, hold looped, stale ends and late synthesis dropped.</summary>
public class CallPlaybackTests
{
    private static readonly AudioClip Prompt = new(new short[800], "prompt");
    private static readonly AudioClip Hold = new(new short[800], "hold");
    private static readonly AudioClip Offer = new(new short[800], "offer");

    [Fact]
    public void Finished_FlowPrompt_IsReportedOnce_ThenNothingPlays()
    {
        var (playback, media, events) = Rig();

        playback.Play(PlaybackKind.Flow, [Prompt]);
        media.FinishClip();

        Assert.Equal(PlaybackKind.Flow, playback.Finished(events.Played.Single()));
        Assert.Equal(PlaybackKind.None, playback.Kind);
        Assert.Equal(PlaybackKind.None, playback.Finished(events.Played.Single()));
    }

    [Fact]
    public void Hold_LoopsUntilAnAnnouncementInterrupts_WhoseEndIsAnnounce()
    {
        var (playback, media, events) = Rig();

        playback.Hold([Hold]);
        media.FinishClip();
        Assert.Equal(PlaybackKind.Hold, playback.Finished(events.Played[^1]));
        playback.Play(PlaybackKind.Announce, [Offer]);
        media.FinishClip();

        Assert.Equal(["hold", "hold", "offer"], media.Played);
        Assert.Equal(PlaybackKind.Announce, playback.Finished(events.Played[^1]));
    }

    [Fact]
    public void Finished_OfAReplacedPlay_IsStale()
    {
        var (playback, _, _) = Rig(out var leg);

        var first = leg.Play([Prompt]);
        playback.Play(PlaybackKind.Flow, [Prompt]);
        playback.Play(PlaybackKind.Announce, [Offer]);

        Assert.Equal(PlaybackKind.None, playback.Finished(first));
        Assert.Equal(PlaybackKind.Announce, playback.Kind);
    }

    [Fact]
    public void Rendered_AfterTheCallerMovedOn_IsDropped_ButPlaysWhenStillCurrent()
    {
        var (playback, media, _) = Rig();

        var overtaken = playback.BeginRendering();
        playback.Stop();
        var current = playback.BeginRendering();

        Assert.False(playback.Rendered(overtaken, [Prompt]));
        Assert.True(playback.Rendered(current, [Offer]));
        Assert.Equal(["offer"], media.Played);
    }

    [Fact]
    public void Hold_WithNothingToPlay_IsSilence()
    {
        var (playback, media, _) = Rig();
        playback.Play(PlaybackKind.Flow, [Prompt]);

        playback.Hold([]);

        Assert.Equal(PlaybackKind.None, playback.Kind);
        Assert.Null(media.Current);
    }

    private static (CallPlayback Playback, InProcessMediaSession Media, LegTests.Recorder Events) Rig() => Rig(out _);

    private static (CallPlayback Playback, InProcessMediaSession Media, LegTests.Recorder Events) Rig(out OutboundLeg leg)
    {
        var media = new InProcessMediaSession(LegTests.Negotiated());
        leg = new OutboundLeg(new InProcessOutboundCall("c-1"), media);
        var events = new LegTests.Recorder();
        leg.Attach(events);
        return (new CallPlayback(leg), media, events);
    }
}

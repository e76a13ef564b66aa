using Ivr.Engine.Calls;
using Ivr.Engine.Media;
using Ivr.Engine.Routing.Live;
using Ivr.Flows.Runtime;

namespace Ivr.Tests.Calls;

/// <summary>The <c>message</c> step's recorder over in-process SIP and media, no actors: what is written, what the router stores, when the flow moves on.</summary>
public class CallRecorderTests
{
    private static readonly short[] OneSecond = [.. Enumerable.Range(0, 8000).Select(i => (short)(i % 200 * 50))];

    [Fact]
    public void Record_AfterTheBeep_WritesTheCallersAudio_AndTheFinishKeyStoresTheMessage_BeforeTheFlowMovesOn()
    {
        using var rig = new CallComponentRig("message");
        rig.Flow.Start();
        Assert.Equal("common/beep.wav", rig.Media.Current);
        Assert.False(rig.Recorder.IsRecording);

        Assert.Equal(PlaybackKind.Beep, rig.FinishPlaying());
        rig.Recorder.Start();
        rig.Media.Hear(OneSecond);
        Assert.True(rig.Recorder.Digit('5'));
        Assert.True(rig.Recorder.IsRecording);
        Assert.True(rig.Recorder.Digit('#'));

        var saved = Assert.Single(rig.Router.All<SaveMessage>()).Message;
        Assert.Equal(("billing", "+15555550100"), (saved.Skill, saved.CallerNumber));
        Assert.Equal(1.0, saved.Duration.TotalSeconds, precision: 2);
        Assert.Equal(Path.Combine("messages", saved.Id + ".wav"), saved.WavPath);
        Assert.True(File.Exists(Path.Combine(rig.MessagesFolder, saved.Id + ".wav")));
        Assert.Equal("message", rig.Step);
        Assert.Null(rig.Timers.DueIn<RecordingLimitReached>());

        Assert.True(rig.Recorder.Handle(new MessageSaved(true, null)));

        Assert.Equal("thanks", rig.Step);
        Assert.Equal("en-US/message_thanks.wav", rig.Media.Current);
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void LimitReached_OfAnEarlierRecording_IsStale_TheCurrentOnesEndsIt()
    {
        using var rig = new CallComponentRig("message");
        rig.Flow.Start();
        rig.FinishPlaying();
        rig.Recorder.Start();
        Assert.Equal(TimeSpan.FromSeconds(30), rig.Timers.DueIn<RecordingLimitReached>());
        var limit = rig.Timers.Fire<RecordingLimitReached>();

        Assert.True(rig.Recorder.Handle(new RecordingLimitReached(limit.Recording - 1)));
        Assert.True(rig.Recorder.IsRecording);
        Assert.Empty(rig.Router.All<SaveMessage>());

        rig.Recorder.Handle(limit);

        Assert.False(rig.Recorder.IsRecording);
        Assert.Single(rig.Router.All<SaveMessage>());
    }

    [Fact]
    public void Saved_WhenTheStoreFailed_WithoutOnError_TheFlowEndsNotKept_NeverThanks_AndTheEngineSaysSoBeforeHangingUp()
    {
        using var rig = new CallComponentRig("message");
        rig.Flow.Start();
        rig.FinishPlaying();
        rig.Recorder.Start();
        rig.Media.Hear(OneSecond);
        rig.Recorder.Digit('#');
        var saved = Assert.Single(rig.Router.All<SaveMessage>()).Message;

        rig.Recorder.Handle(new MessageSaved(false, "store down"));

        // The run ended as not kept, with a hangup asked for; the flow's thank-you was never reached nor played.
        Assert.Equal(FlowOutcome.MessageNotKept, rig.Outcome?.Code);
        Assert.Equal("message", rig.Outcome?.Step);
        Assert.DoesNotContain(rig.Media.Played, p => p.Contains("message_thanks", StringComparison.Ordinal));
        // The recording stays on disk for an operator to recover (its path is logged).
        Assert.True(File.Exists(Path.Combine(rig.MessagesFolder, saved.Id + ".wav")));

        // The actor, seeing that outcome, has the recorder say the engine's words; their end is the hangup's cue.
        rig.Recorder.SayNotKept();
        Assert.Equal("en-US/message_not_kept.wav", rig.Media.Current);
        Assert.Equal(PlaybackKind.Goodbye, rig.FinishPlaying());

        var played = rig.Media.Played.Count;
        rig.Recorder.Handle(new MessageSaved(true, null));
        Assert.Equal(played, rig.Media.Played.Count);
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void Saved_WhenTheStoreFailed_WithOnError_TheFlowTakesIt_AndTheEngineSaysNothingOfItsOwn()
    {
        using var rig = new CallComponentRig("message-onerror");
        rig.Flow.Start();
        rig.FinishPlaying();
        rig.Recorder.Start();
        rig.Recorder.Digit('#');

        rig.Recorder.Handle(new MessageSaved(false, "store down"));

        Assert.Equal("sorry", rig.Step);
        Assert.Equal("en-US/message_not_stored.wav", rig.Media.Current);
        Assert.Null(rig.Outcome);
        Assert.Equal(PlaybackKind.Flow, rig.FinishPlaying());
        rig.Flow.Run!.PromptFinished();
        Assert.Equal("hangup:message-not-stored", rig.Outcome?.Code);
        Assert.DoesNotContain(rig.Media.Played, p => p.Contains("message_thanks", StringComparison.Ordinal)
            || p.Contains("message_not_kept", StringComparison.Ordinal));
        Assert.Empty(rig.Failures);
    }

    [Fact]
    public void Record_WithoutARouter_WritesToTheRecordingsFolder_AndTheFlowMovesOnAtOnce()
    {
        using var rig = new CallComponentRig("message", router: false);
        rig.Flow.Start();
        rig.FinishPlaying();
        rig.Recorder.Start();
        rig.Media.Hear(OneSecond);

        rig.Recorder.Digit('#');

        Assert.Equal("thanks", rig.Step);
        Assert.Empty(rig.Router.Messages);
        var file = Assert.Single(Directory.GetFiles(rig.Services.RecordingsFolder, "*.wav"));
        Assert.EndsWith("-1.wav", file, StringComparison.Ordinal);
        Assert.False(Directory.Exists(rig.MessagesFolder));
    }

    [Fact]
    public void Record_WhenTheCallerSendsNoAudio_RecordsNothing_AndTheFlowMovesOn()
    {
        using var rig = new CallComponentRig("message", direction: MediaDirection.SendOnly);

        rig.Flow.Start();

        Assert.Equal("thanks", rig.Step);
        Assert.False(rig.Recorder.IsRecording);
        Assert.False(rig.Recorder.Digit('#'));
        Assert.Empty(rig.Router.Messages);
        Assert.Empty(rig.Failures);
    }
}

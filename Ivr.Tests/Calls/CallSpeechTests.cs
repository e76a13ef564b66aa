using Ivr.Engine.Calls;
using Ivr.Engine.Speech;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Speech;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>
/// Speech in a live call actor: the caller's audio (espeak-ng, 8 kHz) arrives as 20 ms frames on the media seam and the
/// real PocketSphinx recognizer decides the branch; barge-in, DTMF alongside speech, no-match and no-input.
/// </summary>
public class CallSpeechTests(SpeechCallFixture speech, ITestOutputHelper output) : CallTestKit(output), IClassFixture<SpeechCallFixture>
{
    private const string Menu = "en-US/main_menu.wav";

    [Fact]
    public void SpokenPhrase_AfterThePrompt_TakesItsBranch()
    {
        var media = StartSpeechCall();
        media.FinishClip();

        Say(media, "technical support");

        AwaitPlaying(media, "en-US/connect_support.wav");
        Assert.Equal([Menu, "en-US/connect_support.wav"], media.Played);
        Assert.Equal(1, SpeechMetrics.Recognitions.Get("match"));
        Assert.Equal(0, SpeechMetrics.BargeIns);
    }

    [Fact]
    public void Speech_DuringThePrompt_StopsItAtStartOfSpeech_ThenTakesTheBranch()
    {
        var media = StartSpeechCall();
        var audio = speech.Said["billing"];

        // Feed up to just past the onset only: the prompt must already be stopped, before any result.
        var onset = FeedUntil(media, audio, () => media.Stops > 0);
        Assert.Null(media.Current);
        Assert.True(onset < 8000 * 0.5, $"the prompt stopped only after {onset / 8.0:F0} ms of audio");
        Feed(media, audio.AsSpan(onset));

        AwaitPlaying(media, "en-US/connect_billing.wav");
        Assert.Equal([Menu, "en-US/connect_billing.wav"], media.Played);
        Assert.Equal(1, SpeechMetrics.BargeIns);
    }

    [Fact]
    public void SpokenDigit_WithoutAPhrase_CountsAsItsKey()
    {
        var media = StartSpeechCall();
        media.FinishClip();

        Say(media, "two");

        AwaitPlaying(media, "en-US/connect_support.wav");
    }

    [Fact]
    public void Dtmf_WhileListeningForSpeech_StillChooses()
    {
        var media = StartSpeechCall();
        media.FinishClip();
        Feed(media, new short[8000 / 2]);

        media.Press('3');

        AwaitPlaying(media, "en-US/connect_sales.wav");
    }

    [Fact]
    public void NonsensePhrase_IsANoMatch_WithTheRetryPrompt()
    {
        var media = StartSpeechCall();
        media.FinishClip();

        Say(media, "purple elephant umbrella");

        AwaitPlaying(media, "en-US/main_nomatch_1.wav");
        Assert.Equal(1, SpeechMetrics.Recognitions.Get("no_match"));
        Assert.Equal(0, SpeechMetrics.Recognitions.Get("match"));
    }

    [Fact]
    public void Silence_IsANoInput_AfterTheStepTimeout()
    {
        var media = StartSpeechCall();
        media.FinishClip();
        var line = new short[8000];
        new WhiteNoise(3, 0.001).AddTo(line);
        Feed(media, line);

        AwaitPlaying(media, "en-US/main_noinput_1.wav");
    }

    [Fact]
    public async Task TextPrompts_AreSynthesizedOncePerPrompt_AcrossTwoCalls()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("prompts") });
        var prompts = new PromptSource(RepoPaths.Sounds, NullLogger<PromptSource>.Instance, synthesizer);
        var manager = StartManager(speech.Settings, new FlowLookup(speech.Flows.Find), prompts: prompts);
        const string MenuText = "tts:Press 1 to queue, 2 to be transferred, 3 to leave a message.";

        // First call: nothing rendered yet, the menu text is synthesized on demand, once.
        Call(manager, "services");
        var first = MediaOf(0);
        AwaitPlaying(first, MenuText);
        Assert.Equal(1, synthesizer.RenderCount);

        // Second call: served from memory; and loading the flow again renders nothing more either.
        Call(manager, "services");
        var second = MediaOf(1);
        AwaitPlaying(second, MenuText);
        await prompts.PreloadAsync(speech.Flows.Find("services")!);
        Assert.Equal(1, synthesizer.RenderCount);
    }

    private InProcessMediaSession StartSpeechCall()
    {
        var manager = StartManager(speech.Settings, new FlowLookup(speech.Flows.Find), speech.Speech);
        Call(manager, "speech");
        var media = MediaOf(0);
        // The listening turn opens before the prompt's first clip is handed to the media.
        AwaitPlaying(media, Menu);
        return media;
    }

    private void Say(InProcessMediaSession media, string text) => Feed(media, speech.Said[text]);

    private static void Feed(InProcessMediaSession media, ReadOnlySpan<short> audio)
    {
        for (var i = 0; i + SpeechTestAudio.FrameSamples <= audio.Length; i += SpeechTestAudio.FrameSamples)
            media.Hear(audio.Slice(i, SpeechTestAudio.FrameSamples));
    }

    // Feeds 20 ms frames until the condition holds (checked between frames, waiting a bounded time for the actor each frame).
    private int FeedUntil(InProcessMediaSession media, short[] audio, Func<bool> condition)
    {
        for (var i = 0; i + SpeechTestAudio.FrameSamples <= audio.Length; i += SpeechTestAudio.FrameSamples)
        {
            media.Hear(audio.AsSpan(i, SpeechTestAudio.FrameSamples));
            if (condition()) return i + SpeechTestAudio.FrameSamples;
            // Past the lead silence, give the actor a bounded time to act on a start-of-speech report after each frame.
            if (i >= 8000 * 0.3 && SpinWait.SpinUntil(condition, TimeSpan.FromMilliseconds(200))) return i + SpeechTestAudio.FrameSamples;
        }
        throw new Xunit.Sdk.XunitException("the condition never held while feeding the utterance");
    }
}

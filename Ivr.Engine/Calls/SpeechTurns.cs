using Akka.Actor;
using Ivr.Engine.Media;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// A call's speech input: listening turns over the caller's audio, start-of-speech (barge-in) and results, each tagged
/// with its turn so stale reports are dropped. Audio is decoded on the media thread by a <see cref="SpeechListener"/>; its
/// reports reach the actor as <see cref="SpeechStarted"/> / <see cref="SpeechRecognized"/>, which it hands back here:
/// start-of-speech barges in on the prompt, a result goes to the flow run (or, for a queue offer, to the queue). Runs on
/// the owning actor's thread only.
/// </summary>
/// <remarks>
/// A turn opens when a barge-in prompt of a speech step starts or when the step listens, and carries on from the prompt into
/// listening when the grammar is the same (a new turn would drop a result already on its way). The flow's own timer
/// decides no-input; when it fires while the caller is speaking, it is held until the result, which usually makes it stale.
/// </remarks>
internal sealed class SpeechTurns : IDisposable
{
    private readonly CallContext _call;
    private readonly Action<RecognitionResult> _offerAnswered;
    private readonly CallSpeech _speech;
    private readonly IMediaSession _media;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private SpeechListener? _listener;
    private ListenEffect? _grammar;
    private int _turns;
    private bool _speaking;
    private bool _localeReported;
    private long _startedAt;
    private TimeSpan? _audioAt;
    private object? _heldTimer;

    /// <summary>Speech input of <paramref name="call"/>; a queue offer's answers go to <paramref name="offerAnswered"/>.</summary>
    public SpeechTurns(CallContext call, Action<RecognitionResult> offerAnswered)
    {
        _call = call;
        _offerAnswered = offerAnswered;
        _speech = call.Services.Speech;
        _media = call.Leg.Media;
        _time = call.Services.Time;
        _log = call.Log;
    }

    /// <summary>True when the open turn lets speech interrupt the prompt.</summary>
    public bool BargeIn { get; private set; }

    /// <summary>True when the open turn answers a queue offer (not the flow).</summary>
    public bool ForOffer { get; private set; }

    /// <summary>Opens a turn for <paramref name="listen"/> (kept when the same grammar still listens); false when speech cannot listen.</summary>
    public bool Listen(ListenEffect listen, bool bargeIn, string? step, TimeSpan? noInputTimeout = null, bool forOffer = false)
    {
        BargeIn = bargeIn;
        ForOffer = forOffer;
        if (_grammar is { } current && _listener?.CurrentTurn == _turns
            && ReferenceEquals(current.Phrases, listen.Phrases) && current.Locale == listen.Locale)
        {
            return true;
        }

        Stop();
        BargeIn = bargeIn;
        if (!_speech.CanRecognize(listen.Locale))
        {
            if (_speech.Recognizer is not null && !_localeReported)
            {
                _localeReported = true;
                _log.LogInformation("No speech recognition for {Locale}; the caller uses DTMF", listen.Locale);
            }
            return false;
        }

        IRecognitionSession session;
        try
        {
            session = _speech.StartSession(listen, noInputTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            _log.LogWarning(ex, "Cannot listen for speech at step {Step}; DTMF only", step);
            return false;
        }

        var self = _call.Self;
        _listener ??= new SpeechListener(
            _media,
            (turn, audioAt) => self.Tell(new SpeechStarted(turn, audioAt)),
            (turn, result) => self.Tell(new SpeechRecognized(turn, result)));
        _grammar = listen;
        ForOffer = forOffer;
        _listener.Start(++_turns, session);
        _media.Listening(true);
        _log.LogDebug("Listening at {Step} from {AudioAt} of the caller's audio (turn {Turn})", step, AudioAt(_media.ReceivedAudioPosition), _turns);
        return true;
    }

    // Ends the open turn; returns a flow timer held during speech, to deliver now (or null).
    private object? Stop()
    {
        _grammar = null;
        _speaking = false;
        ForOffer = false;
        _listener?.Stop();
        _media.Listening(false);
        return TakeHeldTimer();
    }

    /// <summary>Speech started in turn <paramref name="m"/>: when it is the open turn's, a barge-in turn stops the prompt now.</summary>
    public void Started(SpeechStarted m)
    {
        if (m.Turn != _turns || _grammar is null) return;
        _speaking = true;
        _startedAt = _time.GetTimestamp();
        _audioAt = m.AudioAt;
        var playing = _call.Playback.Kind;
        if (!BargeIn || (playing != PlaybackKind.Flow && (!ForOffer || playing != PlaybackKind.Announce))) return;
        // Barge-in: the prompt stops now, at start-of-speech; the run learns of it with the result.
        _log.LogInformation("Barge-in: the caller speaks during the prompt at step {Step}; prompt stopped", _call.Run?.CurrentStep);
        _call.Services.Ops.Speech?.BargedIn();
        _call.Playback.Stop();
    }

    /// <summary>
    /// The result of turn <paramref name="m"/> (stale ones dropped): counted, then given to the queue offer it answers or
    /// to the flow run (<see cref="Deliver"/>); a flow timer held during the speech is delivered after it.
    /// </summary>
    public void Completed(SpeechRecognized m)
    {
        if (Recognized(m) is not { } turn) return;
        var result = m.Result;
        _call.Services.Ops.Speech?.Recognized(result.Text is null && result.Kind == RecognitionKind.Match ? RecognitionKind.NoMatch : result.Kind,
            result.Confidence, result.SpeechDuration, turn.Delay);
        if (turn.ForOffer)
        {
            _offerAnswered(result);
            return;
        }
        _call.Guard(run => Deliver(run, result, turn.Grammar, turn.AudioAt));
        if (TakeHeldTimer() is { } held) _call.Self.Tell(held);
    }

    /// <summary>Ends the open turn; a flow timer held during speech is delivered now.</summary>
    public void End()
    {
        if (Stop() is { } held) _call.Self.Tell(held);
    }

    /// <summary>
    /// The result of turn <paramref name="m"/>: the grammar it listened with and where it started in the caller's audio, or
    /// null when stale. The turn is over; Delay is from the end of speech to now (end-of-speech silence plus the final work).
    /// </summary>
    private (ListenEffect Grammar, string AudioAt, TimeSpan? Delay, bool ForOffer)? Recognized(SpeechRecognized m)
    {
        if (m.Turn != _turns || _grammar is not { } listen) return null;
        var forOffer = ForOffer;
        ForOffer = false;
        _grammar = null;
        _speaking = false;
        var result = m.Result;
        // From the end of the utterance to now: the end-of-speech silence plus the recognizer's final work.
        TimeSpan? delay = _startedAt == 0 ? null : _time.GetElapsedTime(_startedAt) - result.SpeechDuration;
        _startedAt = 0;
        var audioAt = AudioAt(_audioAt);
        _audioAt = null;
        return (listen, audioAt, delay, forOffer);
    }

    /// <summary>
    /// Gives a flow turn's <paramref name="result"/> to <paramref name="run"/>: a phrase is heard, a spoken digit the step
    /// has no phrase for is taken as if keyed, anything else (out of grammar, below the confidence floor) is a no-match.
    /// </summary>
    private void Deliver(FlowRun run, RecognitionResult result, ListenEffect grammar, string audioAt)
    {
        var step = run.CurrentStep;
        _call.Timeline.Speech(result.Kind == RecognitionKind.Match ? result.Text ?? string.Empty : string.Empty, result.Confidence, run.CurrentFlow, step);
        if (result.Kind == RecognitionKind.Match && result.Text is { } text)
        {
            var isPhrase = grammar.Phrases.Any(p => string.Equals(p.Trim(), text, StringComparison.OrdinalIgnoreCase));
            if (!isPhrase && result.Digit is { } digit) run.Digit(digit);
            else run.Heard(text, result.Confidence);
            _log.LogInformation("Speech at {Step}: heard '{Text}' ({Confidence:F2}) from {AudioAt} of the caller's audio, now at {Next}",
                step, text, result.Confidence, audioAt, run.CurrentStep);
            return;
        }
        run.Heard(string.Empty, result.Confidence);
        _log.LogInformation("Speech at {Step}: no-match ('{Hypothesis}', {Confidence:F2}) from {AudioAt} of the caller's audio, now at {Next}",
            step, result.Hypothesis, result.Confidence, audioAt, run.CurrentStep);
    }

    /// <summary>Holds <paramref name="timer"/> while the caller speaks (true); false when it should fire now.</summary>
    public bool HoldTimer(object timer)
    {
        if (!_speaking || _grammar is null) return false;
        _heldTimer = timer;
        return true;
    }

    /// <summary>The timer held during speech, now due (or null).</summary>
    private object? TakeHeldTimer()
    {
        var held = _heldTimer;
        _heldTimer = null;
        return held;
    }

    /// <summary>Where the caller's audio is now, for logs.</summary>
    public string AudioNow() => AudioAt(_media.ReceivedAudioPosition);

    public void Dispose() => _listener?.Dispose();

    // "12.34 s" (where the caller's stream was, by its RTP time) or "-" when the media cannot tell: places a result in
    // what the caller sent, however late the engine got to it.
    private static string AudioAt(TimeSpan? position) =>
        position is { } p ? p.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " s" : "-";
}

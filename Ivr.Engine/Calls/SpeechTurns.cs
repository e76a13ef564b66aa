using Ivr.Engine.Media;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// A call's speech input: listening turns over the caller's audio, start-of-speech (barge-in) and results, each tagged
/// with its turn so stale reports are dropped. Audio is decoded on the media thread by a <see cref="SpeechListener"/>; its
/// reports reach the actor as <see cref="SpeechStarted"/> / <see cref="SpeechRecognized"/>, which it hands back here.
/// Runs on the owning actor's thread only.
/// </summary>
/// <remarks>
/// A turn opens when a barge-in prompt of a speech step starts or when the step listens, and carries on from the prompt into
/// listening when the grammar is the same (a new turn would drop a result already on its way). The flow's own timer
/// decides no-input; when it fires while the caller is speaking, it is held until the result, which usually makes it stale.
/// </remarks>
internal sealed class SpeechTurns : IDisposable
{
    private readonly CallSpeech _speech;
    private readonly IMediaSession _media;
    private readonly Func<SpeechListener> _createListener;
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

    public SpeechTurns(CallSpeech speech, IMediaSession media, Func<SpeechListener> createListener, TimeProvider time, ILogger log)
    {
        _speech = speech;
        _media = media;
        _createListener = createListener;
        _time = time;
        _log = log;
    }

    /// <summary>True while a turn listens.</summary>
    public bool IsListening => _grammar is not null;

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

        _listener ??= _createListener();
        _grammar = listen;
        ForOffer = forOffer;
        _listener.Start(++_turns, session);
        _log.LogDebug("Listening at {Step} from {AudioAt} of the caller's audio (turn {Turn})", step, AudioAt(_media.ReceivedAudioPosition), _turns);
        return true;
    }

    /// <summary>Ends the open turn; returns a flow timer held during speech, to deliver now (or null).</summary>
    public object? Stop()
    {
        _grammar = null;
        _speaking = false;
        ForOffer = false;
        _listener?.Stop();
        return TakeHeldTimer();
    }

    /// <summary>Speech started in turn <paramref name="m"/>: true when it is the open turn's (the prompt may be barged in).</summary>
    public bool Started(SpeechStarted m)
    {
        if (m.Turn != _turns || _grammar is null) return false;
        _speaking = true;
        _startedAt = _time.GetTimestamp();
        _audioAt = m.AudioAt;
        return true;
    }

    /// <summary>
    /// The result of turn <paramref name="m"/>: the grammar it listened with and where it started in the caller's audio, or
    /// null when stale. The turn is over; Delay is from the end of speech to now (end-of-speech silence plus the final work).
    /// </summary>
    public (ListenEffect Grammar, string AudioAt, TimeSpan? Delay, bool ForOffer)? Recognized(SpeechRecognized m)
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

    /// <summary>Holds <paramref name="timer"/> while the caller speaks (true); false when it should fire now.</summary>
    public bool HoldTimer(object timer)
    {
        if (!_speaking || _grammar is null) return false;
        _heldTimer = timer;
        return true;
    }

    /// <summary>The timer held during speech, now due (or null).</summary>
    public object? TakeHeldTimer()
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

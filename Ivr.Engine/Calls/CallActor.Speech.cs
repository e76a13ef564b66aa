using Akka.Actor;
using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>Speech input of a call: listening turns, barge-in on start-of-speech and results fed to the flow run.</summary>
/// <remarks>
/// A turn opens when a barge-in prompt of a speech step starts (<see cref="PlayEffect.Speech"/>) or when the step listens
/// (<see cref="ListenEffect"/> with phrases), and carries on from the prompt into listening when the grammar is the same.
/// Audio is decoded on the media thread by a <see cref="SpeechListener"/>; its reports come back here as messages. A
/// result goes to <see cref="FlowRun.Heard"/> (a spoken digit the step has no phrase for goes to <see cref="FlowRun.Digit"/>,
/// as if keyed; a no-match is heard as an empty phrase). The flow's own timer decides no-input; when it fires while
/// the caller is speaking, it waits for the result, which usually makes it stale.
/// </remarks>
public sealed partial class CallActor
{
    private SpeechListener? _speech;
    private ListenEffect? _speechGrammar;
    private bool _speechBargeIn;
    private bool _speaking;
    private int _speechTurns;
    private FlowTimerFired? _timerDuringSpeech;
    private bool _speechLocaleReported;

    private void ReceiveSpeech()
    {
        Receive<SpeechStarted>(OnSpeechStarted);
        Receive<SpeechRecognized>(OnSpeechRecognized);
    }

    /// <summary>A prompt starts: listen during it when speech may interrupt it, otherwise end any turn.</summary>
    private void SpeechForPrompt(PlayEffect play)
    {
        if (play.Speech is { } listen) Listen(listen, bargeIn: true);
        else StopSpeech();
    }

    /// <summary>The step listens: keep the prompt's turn when the grammar is the same, else open one (DTMF only: none).</summary>
    private void SpeechForListen(ListenEffect listen)
    {
        if (listen.Phrases.Count == 0)
        {
            StopSpeech();
            return;
        }
        Listen(listen, bargeIn: false);
    }

    private void Listen(ListenEffect listen, bool bargeIn, TimeSpan? noInputTimeout = null)
    {
        _speechBargeIn = bargeIn;
        // Same grammar and the turn is still ours: keep it, even when it has finished and its result is on its way here
        // (a prompt ending just as the caller stops speaking); a new turn would drop that result as stale.
        if (_speechGrammar is { } current && _speech?.CurrentTurn == _speechTurns
            && ReferenceEquals(current.Phrases, listen.Phrases) && current.Locale == listen.Locale)
        {
            return;
        }

        StopSpeech();
        var speech = _services.Speech;
        if (!speech.CanRecognize(listen.Locale))
        {
            if (speech.Recognizer is not null && !_speechLocaleReported)
            {
                _speechLocaleReported = true;
                _log.LogInformation("No speech recognition for {Locale}; the caller uses DTMF", listen.Locale);
            }
            return;
        }

        IRecognitionSession session;
        try
        {
            session = speech.StartSession(listen, noInputTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            _log.LogWarning(ex, "Cannot listen for speech at step {Step}; DTMF only", _run?.CurrentStep);
            return;
        }

        _speech ??= CreateListener();
        _speechGrammar = listen;
        _speech.Start(++_speechTurns, session);
        _log.LogDebug("Listening at {Step} from {AudioAt} of the caller's audio (turn {Turn})", _run?.CurrentStep, AudioAt(_media.ReceivedAudioPosition), _speechTurns);
    }

    private SpeechListener CreateListener()
    {
        var self = Self;
        return new SpeechListener(
            _media,
            (turn, audioAt) => self.Tell(new SpeechStarted(turn, audioAt)),
            (turn, result) => self.Tell(new SpeechRecognized(turn, result)));
    }

    private void StopSpeech()
    {
        _speechGrammar = null;
        _speaking = false;
        _speech?.Stop();
        DeliverTimerHeldDuringSpeech();
    }

    // When the current turn's speech started (Stopwatch ticks; 0: none yet) and where in the caller's audio stream.
    private long _speechStartedAt;
    private TimeSpan? _speechAudioAt;

    private void OnSpeechStarted(SpeechStarted m)
    {
        if (m.Turn != _speechTurns || _speechGrammar is null) return;
        _speaking = true;
        _speechStartedAt = _services.Time.GetTimestamp();
        _speechAudioAt = m.AudioAt;
        if (_speechBargeIn && (_playback == Playback.Flow || (_listeningForOffer && _playback == Playback.Announce)))
        {
            // Barge-in: the prompt stops now, at start-of-speech; the run learns of it with the result.
            _log.LogInformation("Barge-in: the caller speaks during the prompt at step {Step}; prompt stopped", _run?.CurrentStep);
            _services.Ops.Speech?.BargedIn();
            StopClips();
        }
    }

    private void OnSpeechRecognized(SpeechRecognized m)
    {
        if (m.Turn != _speechTurns || _speechGrammar is not { } listen) return;
        _speechGrammar = null;
        _speaking = false;
        var result = m.Result;
        // From the end of the utterance to now: the end-of-speech silence plus the recognizer's final work.
        TimeSpan? delay = _speechStartedAt == 0 ? null : _services.Time.GetElapsedTime(_speechStartedAt) - result.SpeechDuration;
        _speechStartedAt = 0;
        var audioAt = AudioAt(_speechAudioAt);
        _speechAudioAt = null;
        _services.Ops.Speech?.Recognized(result.Text is null && result.Kind == RecognitionKind.Match ? RecognitionKind.NoMatch : result.Kind, result.Confidence, result.SpeechDuration, delay);
        if (_listeningForOffer)
        {
            AnswerOfferBySpeech(result);
            return;
        }
        var step = _run!.CurrentStep;
        Guard(() =>
        {
            if (result.Kind == RecognitionKind.Match && result.Text is { } text)
            {
                var isPhrase = listen.Phrases.Any(p => string.Equals(p.Trim(), text, StringComparison.OrdinalIgnoreCase));
                if (!isPhrase && result.Digit is { } digit) _run.Digit(digit);
                else _run.Heard(text, result.Confidence);
                _log.LogInformation(
                    "Speech at {Step}: heard '{Text}' ({Confidence:F2}) from {AudioAt} of the caller's audio, now at {Next}",
                    step, text, result.Confidence, audioAt, _run.CurrentStep);
            }
            else
            {
                // Out of grammar or below the confidence floor: the step's no-match handling.
                _run.Heard(string.Empty, result.Confidence);
                _log.LogInformation(
                    "Speech at {Step}: no-match ('{Hypothesis}', {Confidence:F2}) from {AudioAt} of the caller's audio, now at {Next}",
                    step, result.Hypothesis, result.Confidence, audioAt, _run.CurrentStep);
            }
        });
        DeliverTimerHeldDuringSpeech();
    }

    private void OnFlowTimer(FlowTimerFired m)
    {
        if (_speaking && _speechGrammar is not null)
        {
            _timerDuringSpeech = m;
            return;
        }
        if (_run!.ActiveTimer == m.Token)
        {
            _log.LogInformation("Timeout at {Step}: no input (at {AudioAt} of the caller's audio)", _run.CurrentStep, AudioAt(_media.ReceivedAudioPosition));
        }

        Guard(() => _run.TimerExpired(m.Token));
    }

    private void DeliverTimerHeldDuringSpeech()
    {
        if (_timerDuringSpeech is not { } held) return;
        _timerDuringSpeech = null;
        Self.Tell(held);
    }

    // "12.34 s" (where the caller's stream was, by its RTP time) or "-" when the media cannot tell: places a result in
    // what the caller sent, however late the engine got to it.
    private static string AudioAt(TimeSpan? position) =>
        position is { } p ? p.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " s" : "-";
}

namespace Ivr.Engine.Speech;

/// <summary>
/// One listening turn against one grammar: the caller's audio goes in as 20 ms frames of 8 kHz PCM16 as they arrive,
/// start-of-speech and completion come back per frame, and the result is available as soon as speech ends.
/// </summary>
/// <remarks>
/// Timeouts are counted in audio time (frames fed), so a session driven by the RTP clock needs no timer. Not thread-safe:
/// feed it from one thread at a time. Dispose it to give its decoder back early (for example when a DTMF digit wins).
/// </remarks>
public interface IRecognitionSession : IDisposable
{
    /// <summary>True between start-of-speech and completion.</summary>
    bool InSpeech { get; }

    /// <summary>Audio time fed so far.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Audio time (since the session began) at which voice activity started, or null before that.</summary>
    TimeSpan? SpeechStartedAt { get; }

    /// <summary>The result once <see cref="RecognitionSignal.Completed"/> was returned, otherwise null.</summary>
    RecognitionResult? Result { get; }

    /// <summary>Completes with the result when the session ends.</summary>
    Task<RecognitionResult> Completion { get; }

    /// <summary>Feeds one frame (normally 160 samples = 20 ms at 8 kHz); frames after completion are ignored.</summary>
    RecognitionSignal Feed(ReadOnlySpan<short> frame);

    /// <summary>Ends the session now: decodes speech in progress, or reports NoInput if none started.</summary>
    RecognitionResult Finish();
}

namespace Ivr.Engine.Speech;

/// <summary>What a frame fed to an <see cref="IRecognitionSession"/> changed.</summary>
public enum RecognitionSignal
{
    /// <summary>Nothing new.</summary>
    None,

    /// <summary>The caller started speaking (voice activity onset): stop the prompt if barge-in is allowed.</summary>
    SpeechStarted,

    /// <summary>The session ended (end of speech, no-input timeout or <see cref="IRecognitionSession.Finish"/>): the result is ready.</summary>
    Completed,
}

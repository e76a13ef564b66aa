namespace Ivr.Flows.Simulation;

/// <summary>The kind of a transcript line.</summary>
public enum TranscriptKind
{
    /// <summary>The run entered a step.</summary>
    Step,
    /// <summary>A prompt item played (its text in the call's locale).</summary>
    Prompt,
    /// <summary>Playback was interrupted (barge-in).</summary>
    PromptStopped,
    /// <summary>The run listens for DTMF and/or speech.</summary>
    Listen,
    /// <summary>A timer was armed.</summary>
    Timer,
    /// <summary>Input fed to the run (a scripted token or an automatic host answer).</summary>
    Input,
    /// <summary>A token the run could not use where it was.</summary>
    Ignored,
    /// <summary>A no-input or no-match attempt was counted.</summary>
    Retry,
    /// <summary>The caller was queued.</summary>
    Enqueue,
    /// <summary>A transfer was asked.</summary>
    Transfer,
    /// <summary>A recording was asked.</summary>
    Record,
    /// <summary>A callback booking was asked.</summary>
    Callback,
    /// <summary>An HTTP request was asked, or its (stubbed) answer came back.</summary>
    Http,
    /// <summary>The run hung up.</summary>
    Hangup,
    /// <summary>The simulation's final outcome.</summary>
    Outcome,
    /// <summary>A survey's answers so far (offered, each question answered or skipped, finished).</summary>
    Survey,
}

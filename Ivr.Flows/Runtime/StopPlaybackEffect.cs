namespace Ivr.Flows.Runtime;

/// <summary>Stop the current playback now (barge-in); no <see cref="FlowRun.PromptFinished"/> follows for it.</summary>
public sealed record StopPlaybackEffect : FlowEffect
{
    /// <summary>The shared instance.</summary>
    public static StopPlaybackEffect Instance { get; } = new();
}

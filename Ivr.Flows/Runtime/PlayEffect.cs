namespace Ivr.Flows.Runtime;

/// <summary>Play prompts in sequence; the host reports <see cref="FlowRun.PromptFinished"/> when the last one ends
/// (not after a <see cref="StopPlaybackEffect"/>).</summary>
/// <param name="Prompts">Items to play, already resolved for the call's locale.</param>
/// <param name="BargeIn">Whether caller input may interrupt the playback.</param>
public sealed record PlayEffect(IReadOnlyList<ResolvedPrompt> Prompts, bool BargeIn) : FlowEffect
{
    /// <summary>
    /// The speech the step takes while this prompt plays (barge-in on a step that listens for phrases): a host with a
    /// recognizer listens with it during the prompt and stops the prompt at start-of-speech; null when speech does not
    /// interrupt this prompt. The <see cref="ListenEffect"/> that follows the prompt carries the same grammar.
    /// </summary>
    public ListenEffect? Speech { get; init; }
}

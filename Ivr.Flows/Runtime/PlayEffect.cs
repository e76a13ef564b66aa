namespace Ivr.Flows.Runtime;

/// <summary>Play prompts in sequence; the host reports <see cref="FlowRun.PromptFinished"/> when the last one ends
/// (not after a <see cref="StopPlaybackEffect"/>).</summary>
/// <param name="Prompts">Items to play, already resolved for the call's locale.</param>
/// <param name="BargeIn">Whether caller input may interrupt the playback.</param>
public sealed record PlayEffect(IReadOnlyList<ResolvedPrompt> Prompts, bool BargeIn) : FlowEffect;

namespace Ivr.Flows.Runtime;

/// <summary>The run has ended; always the last effect, every later event is ignored.</summary>
/// <param name="Outcome">How it ended.</param>
public sealed record EndedEffect(FlowOutcome Outcome) : FlowEffect;

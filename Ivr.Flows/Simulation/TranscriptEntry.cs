namespace Ivr.Flows.Simulation;

/// <summary>One line of a simulated call: what happened, in which flow and step, and a human-readable text.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Flow">Id of the flow the run was in.</param>
/// <param name="Step">The step the run was in, or null before the start.</param>
/// <param name="Text">The prompt text, the input, or a description of the effect.</param>
/// <param name="Name">The prompt name for <see cref="TranscriptKind.Prompt"/> lines (null for inline prompts).</param>
public sealed record TranscriptEntry(TranscriptKind Kind, string Flow, string? Step, string Text, string? Name = null);

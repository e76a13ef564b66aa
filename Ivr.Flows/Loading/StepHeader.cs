namespace Ivr.Flows.Loading;

/// <summary>What every step has, whatever its kind: its name, pointer and description.</summary>
internal readonly record struct StepHeader(string Name, string Pointer, string? Description);

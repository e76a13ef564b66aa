namespace Ivr.Flows.Runtime;

/// <summary>Book a callback to <paramref name="Number"/>; the host reports <see cref="FlowRun.CallbackResult"/>.</summary>
/// <param name="Number">The number to call back.</param>
/// <param name="Skill">The skill whose agents call back, or null.</param>
public sealed record BookCallbackEffect(string Number, string? Skill) : FlowEffect;

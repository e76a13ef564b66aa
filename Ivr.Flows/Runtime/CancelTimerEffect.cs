namespace Ivr.Flows.Runtime;

/// <summary>Cancel the timer started with <paramref name="Token"/> (its expiry would be ignored anyway).</summary>
/// <param name="Token">The token of a previous <see cref="StartTimerEffect"/>.</param>
public sealed record CancelTimerEffect(int Token) : FlowEffect;

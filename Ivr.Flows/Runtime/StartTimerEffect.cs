namespace Ivr.Flows.Runtime;

/// <summary>Call <see cref="FlowRun.TimerExpired"/> with <paramref name="Token"/> after <paramref name="After"/>, unless cancelled.</summary>
/// <param name="Token">Identifies this timer; a run ignores expiries of tokens that are no longer current.</param>
/// <param name="After">Delay from now.</param>
public sealed record StartTimerEffect(int Token, TimeSpan After) : FlowEffect;

namespace Ivr.Flows.Runtime;

/// <summary>Hang up the call (BYE).</summary>
/// <param name="Reason">Why, e.g. <c>normal</c>, <c>loop-guard</c>.</param>
public sealed record HangupEffect(string Reason) : FlowEffect;

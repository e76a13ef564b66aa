namespace Ivr.Engine.Calls;

/// <summary>One event of a call's timeline.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened: <c>call</c>, <c>step</c>, <c>edge</c>, <c>prompt</c>, <c>input</c>, <c>retry</c>, <c>queue</c>, <c>transfer</c>, <c>record</c>, <c>callback</c>, <c>hangup</c>, <c>outcome</c>.</param>
/// <param name="Flow">The flow the call was in (a subflow's id inside a subflow), or null before the flow starts.</param>
/// <param name="Step">The step, when the event belongs to one.</param>
/// <param name="Detail">A short human-readable description.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? Flow, string? Step, string Detail);

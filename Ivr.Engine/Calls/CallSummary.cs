namespace Ivr.Engine.Calls;

/// <summary>One call as the API lists it.</summary>
/// <param name="CallId">The SIP Call-ID.</param>
/// <param name="From">The caller's number.</param>
/// <param name="To">The dialled number.</param>
/// <param name="Flow">The flow the call started on.</param>
/// <param name="Version">That flow's version.</param>
/// <param name="State">Where the call is: <c>answering</c>, <c>in-flow</c>, <c>queued</c>, <c>transferring</c>, <c>recording</c>, <c>ending</c>, <c>ended</c>.</param>
/// <param name="Step">The current (or last) step, null before the flow starts.</param>
/// <param name="StartedAt">When the INVITE was taken.</param>
/// <param name="AnsweredAt">When the call was answered, null if it never was.</param>
/// <param name="EndedAt">When the call ended, null while live.</param>
/// <param name="Outcome">How the call ended, null while live.</param>
public sealed record CallSummary(
    string CallId,
    string From,
    string? To,
    string Flow,
    string Version,
    string State,
    string? Step,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    string? Outcome);

namespace Ivr.Engine.Calls;

/// <summary>One call as the API lists it: an inbound call on a flow, or a callback attempt the engine dialled.</summary>
/// <param name="CallId">The SIP Call-ID of an inbound call; <c>callback-{id}-{attempt}</c> for a callback attempt.</param>
/// <param name="From">The caller's number; for a callback, the From user the engine dials with.</param>
/// <param name="To">The dialled number; for a callback, the customer's number.</param>
/// <param name="Flow">The flow the call started on; <see cref="CallBoard.CallbackFlow"/> for a callback (never a flow id).</param>
/// <param name="Version">That flow's version; <c>-</c> for a callback.</param>
/// <param name="State">Where the call is: one of <see cref="CallBoard.LiveStates"/>, then <c>ended</c>.</param>
/// <param name="Step">The current (or last) step, null before the flow starts; a callback's phase (<c>customer</c>, <c>greeting</c>, <c>agent</c>, <c>bridged</c>).</param>
/// <param name="StartedAt">When the INVITE was taken (a callback: when the customer's phone started ringing).</param>
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
    string? Outcome)
{
    /// <summary>What kind of call: <c>inbound</c> (a caller on a flow) or <c>callback</c> (an attempt the engine dialled).</summary>
    public string Kind { get; init; } = CallBoard.InboundKind;

    /// <summary>Where the call came in: <c>sip</c> (the engine's own SIP stack) or <c>asterisk</c> (a channel over FastAGI).</summary>
    public string Source { get; init; } = "sip";

    /// <summary><c>inbound</c> or <c>outbound</c>.</summary>
    public string Direction { get; init; } = "inbound";

    /// <summary>The callback's id in the store, for a callback attempt; null for an inbound call.</summary>
    public long? CallbackId { get; init; }

    /// <summary>Which attempt of that callback this is (1 for the first), null for an inbound call.</summary>
    public int? Attempt { get; init; }

    /// <summary>The agent the call is (or was last) bridged to, null until it is.</summary>
    public string? Agent { get; init; }

    /// <summary>The skill the agent serves the call on, when known.</summary>
    public string? Skill { get; init; }
}

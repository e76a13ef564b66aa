namespace Ivr.Engine.Contacts;

/// <summary>One contact of a caller with the centre: a call that ended, as kept in the contact history.</summary>
/// <param name="CallId">The call's id (SIP Call-ID, or <c>callback-{id}-{attempt}</c>): a contact is kept once per call.</param>
/// <param name="Number">The caller's number (for a callback attempt, the customer's number the engine dialled).</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Kind"><c>inbound</c> or <c>callback</c>.</param>
/// <param name="Flow">The flow the call ran, null for a callback attempt.</param>
/// <param name="Path">The steps the caller went through, with the menu keys given (<c>welcome &gt; main_menu[2] &gt; account[8 digits] &gt; billing_queue</c>; digits-step keys counted, speech kept only with <c>Contacts:KeepTranscripts</c>).</param>
/// <param name="Skill">The skill the call was queued for or served on, null if it never reached a queue.</param>
/// <param name="Agent">The agent the call was bridged to, null if none.</param>
/// <param name="Outcome">How the call ended (the call's outcome, as in <c>/api/calls</c>).</param>
public sealed record ContactRecord(
    string CallId,
    string Number,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string Kind,
    string? Flow,
    string Path,
    string? Skill,
    string? Agent,
    string Outcome);

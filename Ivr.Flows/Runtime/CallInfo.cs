namespace Ivr.Flows.Runtime;

/// <summary>What the host knows about a call when its flow starts; fills the built-in variables.</summary>
/// <param name="CallId">The call's id (<c>call.id</c>), e.g. the SIP Call-ID.</param>
/// <param name="CallerNumber">The caller's number (<c>caller.number</c>), empty when withheld.</param>
/// <param name="CallerName">The caller's display name (<c>caller.name</c>), if any.</param>
/// <param name="Dialled">The number or URI user the caller dialled (<c>call.dialled</c>).</param>
public sealed record CallInfo(string CallId, string CallerNumber, string? CallerName = null, string? Dialled = null)
{
    /// <summary>The caller's contact history (the <c>caller.contactsLast24h</c>… variables); null: a first-time caller.</summary>
    public CallerContacts? Contacts { get; init; }
}

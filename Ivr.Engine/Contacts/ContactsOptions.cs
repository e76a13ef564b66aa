namespace Ivr.Engine.Contacts;

/// <summary>The <c>Contacts</c> section: what the contact history keeps (see <c>docs/events.md</c>).</summary>
public sealed class ContactsOptions
{
    /// <summary>Whether what callers said is kept in the contact path and <c>call.ended</c> (default false: <c>[speech]</c>).</summary>
    public bool KeepTranscripts { get; set; }
}

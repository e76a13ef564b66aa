namespace Ivr.Engine.Contacts;

/// <summary>
/// The contact history per caller number (SQLite for one node, PostgreSQL shared by a cluster): one row per ended call,
/// for returning-caller variables (<c>caller.contactsLast24h</c>, <c>caller.lastSkill</c>, <c>caller.lastAgent</c>) and the
/// repeat-contact report.
/// </summary>
public interface IContactHistory
{
    /// <summary>Keeps <paramref name="contact"/>, durable when the task completes; the same call id twice keeps the first.</summary>
    Task RecordAsync(ContactRecord contact, CancellationToken cancellationToken = default);

    /// <summary>The contacts of <paramref name="number"/> that started at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ContactRecord>> ContactsAsync(string number, DateTimeOffset since, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>How many contacts <paramref name="number"/> had since <paramref name="since"/>, and its last skill and agent (any time).</summary>
    Task<CallerHistory> CallerAsync(string number, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>The repeat-contact rate of each skill over the inbound contacts that started in [<paramref name="from"/>, <paramref name="to"/>), by skill name.</summary>
    Task<IReadOnlyList<RepeatContactRate>> RepeatContactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

using Ivr.Engine.Calls;
using Ivr.Engine.Contacts;
using Ivr.Engine.Events;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The calls' view of the contact history: one query for the caller's contacts of the last 7 days (at most
/// <see cref="MaxContacts"/>), summed up as the flow's <c>caller.*</c> variables. Withheld numbers have no history.
/// </summary>
/// <param name="stores">The store holding the contact history (SQLite or PostgreSQL).</param>
/// <param name="time">The clock the windows are measured on.</param>
public sealed class ContactHistoryCallers(EventStores stores, TimeProvider time) : ICallerContacts
{
    /// <summary>How far back the history is read.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>Most contacts read for one caller (the counts stop there).</summary>
    public const int MaxContacts = 500;

    /// <inheritdoc />
    public async Task<CallerContacts> LookUpAsync(string number, CancellationToken cancellationToken)
    {
        if (CallerNumbers.IsWithheld(number)) return CallerContacts.None;
        var history = await stores.ContactsAsync().ConfigureAwait(false);
        var now = time.GetUtcNow();
        var contacts = await history.ContactsAsync(number, now - Window, MaxContacts, cancellationToken).ConfigureAwait(false);
        return Summarise(contacts, now);
    }

    /// <summary>The variables' values for <paramref name="contacts"/> (newest first, all within the window) seen at <paramref name="now"/>.</summary>
    public static CallerContacts Summarise(IReadOnlyList<ContactRecord> contacts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        if (contacts.Count == 0) return CallerContacts.None;
        var latest = contacts[0];
        var withSkill = contacts.FirstOrDefault(c => c.Skill is not null);
        var withAgent = contacts.FirstOrDefault(c => c.Agent is not null);
        return new CallerContacts(
            contacts.Count(c => c.StartedAt >= now - TimeSpan.FromHours(24)),
            contacts.Count,
            withSkill?.Skill,
            withAgent?.Agent,
            latest.Outcome,
            MinutesSince(latest.StartedAt, now),
            withAgent is null ? null : MinutesSince(withAgent.StartedAt, now));
    }

    private static int MinutesSince(DateTimeOffset at, DateTimeOffset now) => (int)Math.Max(0, Math.Floor((now - at).TotalMinutes));
}

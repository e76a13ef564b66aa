using Ivr.Engine.Contacts;
using Ivr.Engine.Integrations.ScreenPop;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Hosting;

/// <summary>Previous contacts read from the contact history (SQLite on one node, PostgreSQL in a cluster), opened by <paramref name="open"/>.</summary>
public sealed class ContactHistoryLookup(Func<Task<IContactHistory>> open) : IPreviousContacts
{
    /// <inheritdoc />
    public async Task<PreviousContacts?> LookupAsync(string? number, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var kept = CallerNumbers.Normalise(number);
        if (kept.Length == 0) return null;
        var history = await open().ConfigureAwait(false);
        var week = await history.CallerAsync(kept, now.AddDays(-7), cancellationToken).ConfigureAwait(false);
        if (week.LastContactAt is null) return new PreviousContacts(0, 0, null, null, null, null);
        var day = await history.CallerAsync(kept, now.AddDays(-1), cancellationToken).ConfigureAwait(false);
        var latest = await history.ContactsAsync(kept, DateTimeOffset.MinValue, 1, cancellationToken).ConfigureAwait(false);
        return new PreviousContacts(day.Contacts, week.Contacts, week.LastContactAt, week.LastSkill, week.LastAgent, latest.Count > 0 ? latest[0].Outcome : null);
    }
}

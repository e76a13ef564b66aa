namespace Ivr.Engine.Events;

/// <summary>
/// The durable outbox of events to deliver to webhooks, in the same store as the callbacks (SQLite, or PostgreSQL shared by
/// a cluster). Each webhook's events are delivered in the order written, by one node at a time (a lease per webhook).
/// </summary>
public interface IEventOutbox
{
    /// <summary>Writes <paramref name="events"/> in order in one transaction; an (event id, webhook) already there is kept once.</summary>
    Task AppendAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews the lease on delivering <paramref name="webhook"/>'s events for <paramref name="owner"/> until
    /// <paramref name="until"/>; false while another owner's lease has not expired at <paramref name="now"/>.
    /// </summary>
    Task<bool> TryLeaseAsync(string webhook, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>The oldest undelivered events of <paramref name="webhook"/>, in the order written, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<OutboxItem>> PendingAsync(string webhook, int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks the event delivered (it is never sent again).</summary>
    Task MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Counts a failed attempt and holds the event (and those after it) until <paramref name="nextAttemptAt"/>.</summary>
    Task MarkFailedAsync(long id, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>How many events wait to be delivered, all webhooks together.</summary>
    Task<long> DepthAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes events delivered before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}

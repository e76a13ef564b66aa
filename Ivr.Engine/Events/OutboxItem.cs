namespace Ivr.Engine.Events;

/// <summary>An undelivered event in the outbox, with its delivery state.</summary>
/// <param name="Id">The row's id: the outbox's order (written order).</param>
/// <param name="Event">The event.</param>
/// <param name="Attempts">Delivery attempts that failed so far.</param>
/// <param name="NextAttemptAt">When it may be tried again (its creation time before any attempt).</param>
/// <param name="LastError">Why the last attempt failed, if one did.</param>
public sealed record OutboxItem(long Id, OutboxEvent Event, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);

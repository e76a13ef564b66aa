namespace Ivr.Engine.Routing.Callbacks;

/// <summary>
/// Durable callbacks. Every write is durable before its task completes, so the caller hears "we will call you back" only
/// once the callback would survive a crash. Implementations: <see cref="SqliteCallbackStore"/>; a PostgreSQL store fits
/// the same contract (lease as <c>UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING</c>).
/// </summary>
/// <remarks>
/// Delivery is at-least-once with a bound: a callback leased (Dialling) when the engine died cannot be known to have
/// rung or not, so <see cref="RecoverAsync"/> puts it back to Pending and it is dialled again, once; the attempt
/// counter (incremented at lease) keeps the total within the retry policy's maximum. The exception is a callback whose
/// conversation had been recorded (<see cref="RecordConversationAsync"/>) as lasting the policy's <c>ServedAfter</c>: the
/// customer was served, so it is not dialled again. Two dialers never dial the same
/// callback at once: leasing is a single atomic Pending → Dialling transition.
/// </remarks>
public interface ICallbackStore
{
    /// <summary>Books a callback, idempotently on its key; durable when the task completes.</summary>
    Task<CallbackBookResult> BookAsync(CallbackBooking booking, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves the earliest-placed Pending callback of <paramref name="skill"/> due at <paramref name="now"/> to
    /// Dialling, counting an attempt; null if none is due.
    /// </summary>
    Task<CallbackRecord?> LeaseNextDueAsync(string skill, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves the callback <paramref name="id"/> from Pending to Dialling if it is due at <paramref name="now"/>,
    /// counting an attempt; null if it is not Pending or not yet due (another dialer has it, or it was settled).
    /// </summary>
    Task<CallbackRecord?> LeaseAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the outcome of a leased callback's attempt: Connected ends it; NoAnswer/Busy schedule a retry with
    /// back-off while attempts remain, else Failed; Rejected fails it. Null if it is not (or no longer) Dialling.
    /// </summary>
    Task<CallbackRecord?> CompleteAsync(long id, CallbackAttemptResult result, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Durably records that the leased callback <paramref name="id"/>'s customer and agent have been talking since
    /// <paramref name="startedAt"/>, as still seen at <paramref name="now"/>: at the bridge, and again once the talk has
    /// lasted <c>ServedAfter</c>, so recovery after a crash can tell a served customer from one cut off early. False if
    /// it is not Dialling.
    /// </summary>
    Task<bool> RecordConversationAsync(long id, DateTimeOffset startedAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives back a lease that was never dialled (the engine began draining between the lease and the dial): the callback
    /// <paramref name="id"/> goes from Dialling back to Pending, due as before, and the attempt the lease counted is
    /// returned, so it cannot end up Failed without having rung. Null if it is not Dialling or its conversation was recorded.
    /// </summary>
    Task<CallbackRecord?> ReleaseUndialledAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Cancels a Pending callback; false if it is not Pending.</summary>
    Task<bool> CancelAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The callback with <paramref name="id"/>, if any.</summary>
    Task<CallbackRecord?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Pending callbacks (of one skill, or all), in place order.</summary>
    Task<IReadOnlyList<CallbackRecord>> ListPendingAsync(string? skill = null, CancellationToken cancellationToken = default);

    /// <summary>Bookings for <paramref name="number"/> with booked-at in [from, to): the dial plan's daily cap.</summary>
    Task<int> CountBookedAsync(string number, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// On startup: callbacks left Dialling by a crash whose recorded conversation had lasted <c>ServedAfter</c> become
    /// Connected (served, the reason in their last outcome); the others go back to Pending, due at once (or Failed if they
    /// used their last attempt).
    /// </summary>
    Task<CallbackRecovery> RecoverAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

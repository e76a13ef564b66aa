namespace Ivr.Engine.Routing.Callbacks;

/// <summary>
/// Durable callbacks. Every write is durable before its task completes, so the caller hears "we will call you back" only
/// once the callback would survive a crash. Implementations: <see cref="SqliteCallbackStore"/> (one node) and
/// <see cref="PostgresCallbackStore"/> (shared by the nodes of a cluster).
/// </summary>
/// <remarks>
/// Delivery is at-least-once with a bound: a callback leased (Dialling) when the engine died cannot be known to have
/// rung or not, so <see cref="RecoverAsync"/> puts it back to Pending and it is dialled again, once; the attempt
/// counter (incremented at lease) keeps the total within the retry policy's maximum. The exception is a callback whose
/// conversation had been recorded (<see cref="RecordConversationAsync"/>) as lasting the policy's <c>ServedAfter</c>: the
/// customer was served, so it is not dialled again. Two dialers never dial the same
/// callback at once: leasing is a single atomic Pending → Dialling transition.
/// <para>
/// A lease has an owner (the store's <see cref="CallbackLeaseOptions.Owner"/>, i.e. the node) and an expiry (now plus
/// <see cref="CallbackLeaseOptions.Length"/>); the owner renews the leases it holds (<see cref="RenewLeasesAsync"/>).
/// Only the owner can record a lease's conversation, outcome or release, so a node that lost its lease (it stopped
/// renewing and another node recovered it) cannot settle an attempt it no longer holds.
/// </para>
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
    /// used their last attempt). Which leases count as this node's: SQLite (one node's file) all of them; PostgreSQL (shared)
    /// those this owner held before it stopped, those of no owner, and any expired one. Only a store's first call is the
    /// node's start: later calls (a router restarted in the same process) leave this owner's unexpired leases alone, as
    /// they are attempts still live on this node.
    /// </summary>
    Task<CallbackRecovery> RecoverAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends to <paramref name="until"/> the leases among <paramref name="ids"/> that this owner holds (still Dialling);
    /// returns how many were renewed (fewer than asked: a callback settled meanwhile, or a lease another node recovered).
    /// </summary>
    Task<int> RenewLeasesAsync(IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes over the lease of callback <paramref name="id"/> that <paramref name="previousOwner"/> holds (an attempt still
    /// live, re-announced to a router now running on this owner's node), until <paramref name="until"/>, so this owner's
    /// renewals and outcome match the row; false if it is no longer Dialling under that owner.
    /// </summary>
    Task<bool> AdoptLeaseAsync(long id, string? previousOwner, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>
    /// While running: other owners' leases that expired at <paramref name="now"/> (their node died or lost the database)
    /// are settled as <see cref="RecoverAsync"/> does — served if the conversation had lasted <c>ServedAfter</c>, else back
    /// to Pending to be dialled again (or Failed on its last attempt) — with the owner named in the last outcome. This
    /// owner's own leases are left alone: it still holds them.
    /// </summary>
    Task<CallbackRecovery> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

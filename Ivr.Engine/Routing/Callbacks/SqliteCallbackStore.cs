using System.Globalization;
using Ivr.Engine.Routing.Storage;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Routing.Callbacks;

/// <summary>
/// <see cref="ICallbackStore"/> on SQLite (WAL, synchronous=FULL; see <see cref="SqliteDatabase"/>). Leasing is one
/// <c>UPDATE … RETURNING</c> guarded by <c>state = 'Pending'</c>, so concurrent dialers (threads or processes) never
/// lease the same callback; completing is guarded by <c>state = 'Dialling'</c>, so an outcome is recorded once.
/// </summary>
public sealed class SqliteCallbackStore : ICallbackStore
{
    private const string Columns =
        "id, idempotency_key, skill, number, caller_number, entered_at, booked_at, state, attempts, next_attempt_at, last_outcome, updated_at, language, talk_started_at, talk_seen_at, lease_owner, lease_expires_at";

    internal static readonly (string Id, string Sql)[] Migrations =
    [
        ("callbacks-001", """
            CREATE TABLE callbacks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE,
                skill TEXT NOT NULL,
                number TEXT NOT NULL,
                caller_number TEXT NULL,
                entered_at INTEGER NOT NULL,
                booked_at INTEGER NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_outcome TEXT NULL,
                updated_at INTEGER NOT NULL);
            CREATE INDEX callbacks_due ON callbacks (skill, state, entered_at, id);
            CREATE INDEX callbacks_number ON callbacks (number, booked_at);
            """),
        // The caller's language, so the callback greets them in it; rows booked before stay NULL (the default greeting).
        ("callbacks-002", "ALTER TABLE callbacks ADD COLUMN language TEXT NULL;"),
        // The current attempt's conversation (bridge time, last time seen going), so recovery after a crash knows a
        // customer who was served from one cut off early.
        ("callbacks-003", "ALTER TABLE callbacks ADD COLUMN talk_started_at INTEGER NULL; ALTER TABLE callbacks ADD COLUMN talk_seen_at INTEGER NULL;"),
        // Leases name their owner (the node) and lapse unless renewed, so a lease of a node that died can be recovered.
        ("callbacks-004", """
            ALTER TABLE callbacks ADD COLUMN lease_owner TEXT NULL;
            ALTER TABLE callbacks ADD COLUMN lease_expires_at INTEGER NULL;
            CREATE INDEX callbacks_leases ON callbacks (state, lease_expires_at);
            """),
    ];

    private readonly SqliteDatabase _database;
    private readonly CallbackRetryPolicy _retry;
    private readonly CallbackLeaseOptions _lease;

    private SqliteCallbackStore(SqliteDatabase database, CallbackRetryPolicy retry, CallbackLeaseOptions lease)
    {
        _database = database;
        _retry = retry;
        _lease = lease;
    }

    // 1 once this store (opened once per process) has recovered: the node's start is behind.
    private int _recovered;

    /// <summary>The retry policy applied by <see cref="CompleteAsync"/> and <see cref="RecoverAsync"/>.</summary>
    public CallbackRetryPolicy Retry => _retry;

    /// <summary>The owner and length of the leases this store takes.</summary>
    public CallbackLeaseOptions Lease => _lease;

    /// <summary>Opens (creating if needed) the store in <paramref name="database"/> and applies its schema migrations.</summary>
    public static async Task<SqliteCallbackStore> OpenAsync(
        SqliteDatabase database, DateTimeOffset now, CallbackRetryPolicy? retry = null, CallbackLeaseOptions? lease = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new SqliteCallbackStore(database, retry ?? CallbackRetryPolicy.Default, lease ?? CallbackLeaseOptions.Default);
    }

    /// <inheritdoc />
    public async Task<CallbackBookResult> BookAsync(CallbackBooking booking, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(booking);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO callbacks (idempotency_key, skill, number, caller_number, entered_at, booked_at, state, attempts, next_attempt_at, updated_at, language)
            VALUES ($key, $skill, $number, $caller, $entered, $booked, 'Pending', 0, $booked, $booked, $language)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING {Columns}
            """;
        insert.Parameters.AddWithValue("$key", booking.IdempotencyKey);
        insert.Parameters.AddWithValue("$skill", booking.Skill);
        insert.Parameters.AddWithValue("$number", booking.Number);
        insert.Parameters.AddWithValue("$caller", (object?)booking.CallerNumber ?? DBNull.Value);
        insert.Parameters.AddWithValue("$entered", SqliteDatabase.ToStored(booking.EnteredQueueAt));
        insert.Parameters.AddWithValue("$booked", SqliteDatabase.ToStored(booking.BookedAt));
        insert.Parameters.AddWithValue("$language", (object?)booking.Language ?? DBNull.Value);
        var created = await ReadOneAsync(insert, cancellationToken);
        if (created is not null) return new CallbackBookResult(created, Created: true);

        using var existing = connection.CreateCommand();
        existing.CommandText = $"SELECT {Columns} FROM callbacks WHERE idempotency_key = $key";
        existing.Parameters.AddWithValue("$key", booking.IdempotencyKey);
        return new CallbackBookResult(await ReadOneAsync(existing, cancellationToken)
            ?? throw new InvalidOperationException($"Callback {booking.IdempotencyKey} vanished while booking."), Created: false);
    }

    /// <inheritdoc />
    public async Task<CallbackRecord?> LeaseNextDueAsync(string skill, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var lease = connection.CreateCommand();
        lease.CommandText = $"""
            UPDATE callbacks SET state = 'Dialling', attempts = attempts + 1, updated_at = $now, talk_started_at = NULL, talk_seen_at = NULL,
                lease_owner = $owner, lease_expires_at = $expires
            WHERE state = 'Pending' AND id = (
                SELECT id FROM callbacks
                WHERE skill = $skill AND state = 'Pending' AND next_attempt_at <= $now
                ORDER BY entered_at, id LIMIT 1)
            RETURNING {Columns}
            """;
        lease.Parameters.AddWithValue("$skill", skill);
        AddLease(lease, now);
        return await ReadOneAsync(lease, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CallbackRecord?> LeaseAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var lease = connection.CreateCommand();
        lease.CommandText = $"""
            UPDATE callbacks SET state = 'Dialling', attempts = attempts + 1, updated_at = $now, talk_started_at = NULL, talk_seen_at = NULL,
                lease_owner = $owner, lease_expires_at = $expires
            WHERE id = $id AND state = 'Pending' AND next_attempt_at <= $now
            RETURNING {Columns}
            """;
        lease.Parameters.AddWithValue("$id", id);
        AddLease(lease, now);
        return await ReadOneAsync(lease, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CallbackRecord?> CompleteAsync(long id, CallbackAttemptResult result, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var complete = connection.CreateCommand();
        // Retry while attempts remain: attempts already counts the one that just ended.
        complete.CommandText = $"""
            UPDATE callbacks SET
                state = CASE
                    WHEN $result = 'Connected' THEN 'Connected'
                    WHEN $result = 'Rejected' OR attempts >= $max THEN 'Failed'
                    ELSE 'Pending' END,
                next_attempt_at = CASE
                    WHEN $result IN ('NoAnswer', 'Busy') AND attempts < $max
                    THEN $now + {CallbackStoreSql.BackoffCase(_retry)}
                    ELSE next_attempt_at END,
                last_outcome = $result,
                updated_at = $now,
                lease_expires_at = NULL
            WHERE id = $id AND state = 'Dialling' AND lease_owner = $owner
            RETURNING {Columns}
            """;
        complete.Parameters.AddWithValue("$owner", _lease.Owner);
        complete.Parameters.AddWithValue("$id", id);
        complete.Parameters.AddWithValue("$result", result.ToString());
        complete.Parameters.AddWithValue("$max", _retry.MaxAttempts);
        complete.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        return await ReadOneAsync(complete, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RecordConversationAsync(long id, DateTimeOffset startedAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var record = connection.CreateCommand();
        record.CommandText = """
            UPDATE callbacks SET talk_started_at = COALESCE(talk_started_at, $started), talk_seen_at = $now, updated_at = $now
            WHERE id = $id AND state = 'Dialling' AND lease_owner = $owner
            """;
        record.Parameters.AddWithValue("$owner", _lease.Owner);
        record.Parameters.AddWithValue("$id", id);
        record.Parameters.AddWithValue("$started", SqliteDatabase.ToStored(startedAt));
        record.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        return await record.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<CallbackRecord?> ReleaseUndialledAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var release = connection.CreateCommand();
        release.CommandText = $"""
            UPDATE callbacks SET state = 'Pending', attempts = MAX(attempts - 1, 0), updated_at = $now, lease_expires_at = NULL
            WHERE id = $id AND state = 'Dialling' AND talk_started_at IS NULL AND lease_owner = $owner
            RETURNING {Columns}
            """;
        release.Parameters.AddWithValue("$owner", _lease.Owner);
        release.Parameters.AddWithValue("$id", id);
        release.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        return await ReadOneAsync(release, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var cancel = connection.CreateCommand();
        cancel.CommandText = "UPDATE callbacks SET state = 'Cancelled', last_outcome = 'Cancelled', updated_at = $now WHERE id = $id AND state = 'Pending'";
        cancel.Parameters.AddWithValue("$id", id);
        cancel.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        return await cancel.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<CallbackRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var get = connection.CreateCommand();
        get.CommandText = $"SELECT {Columns} FROM callbacks WHERE id = $id";
        get.Parameters.AddWithValue("$id", id);
        return await ReadOneAsync(get, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallbackRecord>> ListPendingAsync(string? skill = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var list = connection.CreateCommand();
        list.CommandText = $"SELECT {Columns} FROM callbacks WHERE state = 'Pending' AND ($skill IS NULL OR skill = $skill) ORDER BY entered_at, id";
        list.Parameters.AddWithValue("$skill", (object?)skill ?? DBNull.Value);
        var records = new List<CallbackRecord>();
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) records.Add(Read(reader));
        return records;
    }

    /// <inheritdoc />
    public async Task<int> CountBookedAsync(string number, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM callbacks WHERE number = $number AND booked_at >= $from AND booked_at < $to";
        count.Parameters.AddWithValue("$number", number);
        count.Parameters.AddWithValue("$from", SqliteDatabase.ToStored(from));
        count.Parameters.AddWithValue("$to", SqliteDatabase.ToStored(to));
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task<CallbackRecovery> RecoverAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        // One node's file: at the node's start (this store's first recovery) every lease left in it is this node's, whatever
        // name it ran under; at a later router start in this process (supervision) unexpired leases are live attempts.
        SettleLeasesAsync(Interlocked.Exchange(ref _recovered, 1) == 0 ? "1 = 1" : "lease_expires_at IS NULL OR lease_expires_at <= $now", "$served || 'the engine stopped'", "'Interrupted'", now, cancellationToken);

    /// <inheritdoc />
    public async Task<int> RenewLeasesAsync(IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) return 0;
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var renew = connection.CreateCommand();
        var names = ids.Select((id, i) =>
        {
            var name = "$id" + i.ToString(CultureInfo.InvariantCulture);
            renew.Parameters.AddWithValue(name, id);
            return name;
        }).ToList();
        renew.CommandText = $"""
            UPDATE callbacks SET lease_expires_at = $until
            WHERE state = 'Dialling' AND lease_owner = $owner AND id IN ({string.Join(", ", names)})
            """;
        renew.Parameters.AddWithValue("$until", SqliteDatabase.ToStored(until));
        renew.Parameters.AddWithValue("$owner", _lease.Owner);
        return await renew.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> AdoptLeaseAsync(long id, string? previousOwner, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var adopt = connection.CreateCommand();
        adopt.CommandText = """
            UPDATE callbacks SET lease_owner = $owner, lease_expires_at = $until
            WHERE id = $id AND state = 'Dialling' AND lease_owner IS $previous
            """;
        adopt.Parameters.AddWithValue("$owner", _lease.Owner);
        adopt.Parameters.AddWithValue("$until", SqliteDatabase.ToStored(until));
        adopt.Parameters.AddWithValue("$id", id);
        adopt.Parameters.AddWithValue("$previous", (object?)previousOwner ?? DBNull.Value);
        return await adopt.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public Task<CallbackRecovery> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        SettleLeasesAsync("lease_expires_at <= $now AND (lease_owner IS NULL OR lease_owner <> $owner)",
            "$served || COALESCE(lease_owner, 'its node') || ' stopped renewing its lease'",
            "'Interrupted: the lease of ' || COALESCE(lease_owner, 'its node') || ' expired'", now, cancellationToken);

    // Settles the Dialling leases matching `which`: served if the recorded talk lasted ServedAfter, else back to Pending
    // (Failed on the last attempt). Only what was durably seen counts: a conversation recorded at the bridge alone may
    // have lasted a second, however long the engine then stayed down.
    private async Task<CallbackRecovery> SettleLeasesAsync(string which, string servedReason, string putBackReason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var served = connection.CreateCommand();
        served.Transaction = transaction;
        served.CommandText = $"""
            UPDATE callbacks SET state = 'Connected', last_outcome = {servedReason}, updated_at = $now, lease_expires_at = NULL
            WHERE state = 'Dialling' AND ({which}) AND talk_started_at IS NOT NULL AND talk_seen_at - talk_started_at >= $servedAfter
            """;
        served.Parameters.AddWithValue("$servedAfter", (long)_retry.ServedAfter.TotalMilliseconds);
        served.Parameters.AddWithValue("$served", CallbackStoreSql.ServedPrefix(_retry));
        served.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        served.Parameters.AddWithValue("$owner", _lease.Owner);
        var servedCount = await served.ExecuteNonQueryAsync(cancellationToken);
        using var recover = connection.CreateCommand();
        recover.Transaction = transaction;
        recover.CommandText = $"""
            UPDATE callbacks SET
                state = CASE WHEN attempts >= $max THEN 'Failed' ELSE 'Pending' END,
                next_attempt_at = $now,
                last_outcome = {putBackReason},
                updated_at = $now,
                lease_expires_at = NULL
            WHERE state = 'Dialling' AND ({which})
            """;
        recover.Parameters.AddWithValue("$max", _retry.MaxAttempts);
        recover.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        recover.Parameters.AddWithValue("$owner", _lease.Owner);
        var putBack = await recover.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CallbackRecovery(putBack, servedCount);
    }

    private void AddLease(SqliteCommand lease, DateTimeOffset now)
    {
        lease.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        lease.Parameters.AddWithValue("$owner", _lease.Owner);
        lease.Parameters.AddWithValue("$expires", SqliteDatabase.ToStored(now + _lease.Length));
    }

    private static async Task<CallbackRecord?> ReadOneAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static CallbackRecord Read(SqliteDataReader r) => new(
        Id: r.GetInt64(0),
        IdempotencyKey: r.GetString(1),
        Skill: r.GetString(2),
        Number: r.GetString(3),
        CallerNumber: r.IsDBNull(4) ? null : r.GetString(4),
        EnteredQueueAt: SqliteDatabase.FromStored(r.GetInt64(5)),
        BookedAt: SqliteDatabase.FromStored(r.GetInt64(6)),
        State: Enum.Parse<CallbackState>(r.GetString(7)),
        Attempts: r.GetInt32(8),
        NextAttemptAt: SqliteDatabase.FromStored(r.GetInt64(9)),
        LastOutcome: r.IsDBNull(10) ? null : r.GetString(10),
        UpdatedAt: SqliteDatabase.FromStored(r.GetInt64(11)),
        Language: r.IsDBNull(12) ? null : r.GetString(12),
        ConversationStartedAt: r.IsDBNull(13) ? null : SqliteDatabase.FromStored(r.GetInt64(13)),
        ConversationSeenAt: r.IsDBNull(14) ? null : SqliteDatabase.FromStored(r.GetInt64(14)),
        LeaseOwner: r.IsDBNull(15) ? null : r.GetString(15),
        LeaseExpiresAt: r.IsDBNull(16) ? null : SqliteDatabase.FromStored(r.GetInt64(16)));
}

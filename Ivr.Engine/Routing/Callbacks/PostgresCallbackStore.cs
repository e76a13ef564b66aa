using System.Globalization;
using Ivr.Engine.Routing.Storage;
using Npgsql;

namespace Ivr.Engine.Routing.Callbacks;

/// <summary>
/// <see cref="ICallbackStore"/> on PostgreSQL (see <see cref="PostgresDatabase"/>), shared by the nodes of a cluster, with
/// the semantics of <see cref="SqliteCallbackStore"/>. Leasing the next due callback locks its row with
/// <c>FOR UPDATE SKIP LOCKED</c>, so two nodes leasing at once each get a different callback (never the same one, and
/// neither waits for the other); every other transition is one <c>UPDATE</c> guarded by the state it leaves (and the
/// lease's owner), so an outcome is recorded once, by the node that holds the lease.
/// </summary>
public sealed class PostgresCallbackStore : ICallbackStore
{
    private const string Columns =
        "id, idempotency_key, skill, number, caller_number, entered_at, booked_at, state, attempts, next_attempt_at, last_outcome, updated_at, language, talk_started_at, talk_seen_at, lease_owner, lease_expires_at";

    internal static readonly (string Id, string Sql)[] Migrations =
    [
        ("callbacks-001", """
            CREATE TABLE callbacks (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                idempotency_key text NOT NULL UNIQUE,
                skill text NOT NULL,
                number text NOT NULL,
                caller_number text NULL,
                entered_at timestamptz NOT NULL,
                booked_at timestamptz NOT NULL,
                state text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                last_outcome text NULL,
                updated_at timestamptz NOT NULL,
                language text NULL,
                talk_started_at timestamptz NULL,
                talk_seen_at timestamptz NULL,
                lease_owner text NULL,
                lease_expires_at timestamptz NULL);
            CREATE INDEX callbacks_due ON callbacks (skill, state, entered_at, id);
            CREATE INDEX callbacks_number ON callbacks (number, booked_at);
            CREATE INDEX callbacks_leases ON callbacks (state, lease_expires_at);
            """),
    ];

    private readonly PostgresDatabase _database;
    private readonly CallbackRetryPolicy _retry;
    private readonly CallbackLeaseOptions _lease;

    private PostgresCallbackStore(PostgresDatabase database, CallbackRetryPolicy retry, CallbackLeaseOptions lease)
    {
        _database = database;
        _retry = retry;
        _lease = lease;
    }

    /// <summary>The retry policy applied by <see cref="CompleteAsync"/> and the recoveries.</summary>
    public CallbackRetryPolicy Retry => _retry;

    /// <summary>The owner and length of the leases this store takes.</summary>
    public CallbackLeaseOptions Lease => _lease;

    /// <summary>Opens the store in <paramref name="database"/>, creating or migrating its schema (safe when several nodes open at once).</summary>
    public static async Task<PostgresCallbackStore> OpenAsync(
        PostgresDatabase database, DateTimeOffset now, CallbackRetryPolicy? retry = null, CallbackLeaseOptions? lease = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new PostgresCallbackStore(database, retry ?? CallbackRetryPolicy.Default, lease ?? CallbackLeaseOptions.Default);
    }

    /// <inheritdoc />
    public Task<CallbackBookResult> BookAsync(CallbackBooking booking, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return _database.RunAsync(async connection =>
        {
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO callbacks (idempotency_key, skill, number, caller_number, entered_at, booked_at, state, attempts, next_attempt_at, updated_at, language)
                VALUES (@key, @skill, @number, @caller, @entered, @booked, 'Pending', 0, @booked, @booked, @language)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING {Columns}
                """, connection);
            insert.Parameters.AddWithValue("key", booking.IdempotencyKey);
            insert.Parameters.AddWithValue("skill", booking.Skill);
            insert.Parameters.AddWithValue("number", booking.Number);
            insert.Parameters.AddWithValue("caller", (object?)booking.CallerNumber ?? DBNull.Value);
            insert.Parameters.AddWithValue("entered", PostgresDatabase.ToStored(booking.EnteredQueueAt));
            insert.Parameters.AddWithValue("booked", PostgresDatabase.ToStored(booking.BookedAt));
            insert.Parameters.AddWithValue("language", (object?)booking.Language ?? DBNull.Value);
            if (await ReadOneAsync(insert, cancellationToken) is { } created) return new CallbackBookResult(created, Created: true);

            await using var existing = new NpgsqlCommand($"SELECT {Columns} FROM callbacks WHERE idempotency_key = @key", connection);
            existing.Parameters.AddWithValue("key", booking.IdempotencyKey);
            return new CallbackBookResult(await ReadOneAsync(existing, cancellationToken)
                ?? throw new InvalidOperationException($"Callback {booking.IdempotencyKey} vanished while booking."), Created: false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CallbackRecord?> LeaseNextDueAsync(string skill, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            // The sub-select locks the earliest due row and skips rows another session has locked: two nodes leasing at once
            // take two different callbacks. The outer guard re-checks the state on the row as locked.
            await using var lease = new NpgsqlCommand($"""
                UPDATE callbacks SET state = 'Dialling', attempts = attempts + 1, updated_at = @now, talk_started_at = NULL, talk_seen_at = NULL,
                    lease_owner = @owner, lease_expires_at = @expires
                WHERE state = 'Pending' AND id = (
                    SELECT id FROM callbacks
                    WHERE skill = @skill AND state = 'Pending' AND next_attempt_at <= @now
                    ORDER BY entered_at, id LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING {Columns}
                """, connection);
            lease.Parameters.AddWithValue("skill", skill);
            AddLease(lease, now);
            return await ReadOneAsync(lease, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CallbackRecord?> LeaseAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var lease = new NpgsqlCommand($"""
                UPDATE callbacks SET state = 'Dialling', attempts = attempts + 1, updated_at = @now, talk_started_at = NULL, talk_seen_at = NULL,
                    lease_owner = @owner, lease_expires_at = @expires
                WHERE id = @id AND state = 'Pending' AND next_attempt_at <= @now
                RETURNING {Columns}
                """, connection);
            lease.Parameters.AddWithValue("id", id);
            AddLease(lease, now);
            return await ReadOneAsync(lease, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CallbackRecord?> CompleteAsync(long id, CallbackAttemptResult result, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            // Retry while attempts remain: attempts already counts the one that just ended.
            await using var complete = new NpgsqlCommand($"""
                UPDATE callbacks SET
                    state = CASE
                        WHEN @result = 'Connected' THEN 'Connected'
                        WHEN @result = 'Rejected' OR attempts >= @max THEN 'Failed'
                        ELSE 'Pending' END,
                    next_attempt_at = CASE
                        WHEN @result IN ('NoAnswer', 'Busy') AND attempts < @max
                        THEN @now + {CallbackStoreSql.BackoffCase(_retry)} * interval '1 millisecond'
                        ELSE next_attempt_at END,
                    last_outcome = @result,
                    updated_at = @now,
                    lease_expires_at = NULL
                WHERE id = @id AND state = 'Dialling' AND lease_owner = @owner
                RETURNING {Columns}
                """, connection);
            complete.Parameters.AddWithValue("id", id);
            complete.Parameters.AddWithValue("result", result.ToString());
            complete.Parameters.AddWithValue("max", _retry.MaxAttempts);
            complete.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            complete.Parameters.AddWithValue("owner", _lease.Owner);
            return await ReadOneAsync(complete, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RecordConversationAsync(long id, DateTimeOffset startedAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var record = new NpgsqlCommand("""
                UPDATE callbacks SET talk_started_at = COALESCE(talk_started_at, @started), talk_seen_at = @now, updated_at = @now
                WHERE id = @id AND state = 'Dialling' AND lease_owner = @owner
                """, connection);
            record.Parameters.AddWithValue("id", id);
            record.Parameters.AddWithValue("started", PostgresDatabase.ToStored(startedAt));
            record.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            record.Parameters.AddWithValue("owner", _lease.Owner);
            return await record.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CallbackRecord?> ReleaseUndialledAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var release = new NpgsqlCommand($"""
                UPDATE callbacks SET state = 'Pending', attempts = GREATEST(attempts - 1, 0), updated_at = @now, lease_expires_at = NULL
                WHERE id = @id AND state = 'Dialling' AND talk_started_at IS NULL AND lease_owner = @owner
                RETURNING {Columns}
                """, connection);
            release.Parameters.AddWithValue("id", id);
            release.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            release.Parameters.AddWithValue("owner", _lease.Owner);
            return await ReadOneAsync(release, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> CancelAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var cancel = new NpgsqlCommand(
                "UPDATE callbacks SET state = 'Cancelled', last_outcome = 'Cancelled', updated_at = @now WHERE id = @id AND state = 'Pending'", connection);
            cancel.Parameters.AddWithValue("id", id);
            cancel.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            return await cancel.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CallbackRecord?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var get = new NpgsqlCommand($"SELECT {Columns} FROM callbacks WHERE id = @id", connection);
            get.Parameters.AddWithValue("id", id);
            return await ReadOneAsync(get, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CallbackRecord>> ListPendingAsync(string? skill = null, CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<CallbackRecord>>(async connection =>
        {
            await using var list = new NpgsqlCommand(
                $"SELECT {Columns} FROM callbacks WHERE state = 'Pending' AND (@skill::text IS NULL OR skill = @skill::text) ORDER BY entered_at, id", connection);
            list.Parameters.Add(new NpgsqlParameter<string?>("skill", skill));
            var records = new List<CallbackRecord>();
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) records.Add(Read(reader));
            return records;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> CountBookedAsync(string number, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM callbacks WHERE number = @number AND booked_at >= @from AND booked_at < @to", connection);
            count.Parameters.AddWithValue("number", number);
            count.Parameters.AddWithValue("from", PostgresDatabase.ToStored(from));
            count.Parameters.AddWithValue("to", PostgresDatabase.ToStored(to));
            return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CallbackRecovery> RecoverAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        // A shared database: at this node's start (this store's first recovery), its own earlier leases (it holds none yet),
        // ownerless ones, expired ones; at a later router start in this process (supervision, shard moved back) its own
        // unexpired leases are attempts still live on this node, so only ownerless and expired ones.
        SettleLeasesAsync(Interlocked.Exchange(ref _recovered, 1) == 0
                ? "lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now"
                : "lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now",
            // Another node's expired lease (it died) is named as RecoverExpiredAsync names it, so the row says whose it was.
            "@served || CASE WHEN lease_owner IS NOT NULL AND lease_owner <> @owner THEN lease_owner || ' stopped renewing its lease' ELSE 'the engine stopped' END",
            "CASE WHEN lease_owner IS NOT NULL AND lease_owner <> @owner THEN 'Interrupted: the lease of ' || lease_owner || ' expired' ELSE 'Interrupted' END",
            now, cancellationToken);

    // 1 once this store (opened once per process) has recovered: the node's start is behind.
    private int _recovered;

    /// <inheritdoc />
    public Task<int> RenewLeasesAsync(IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) return Task.FromResult(0);
        return _database.RunAsync(async connection =>
        {
            await using var renew = new NpgsqlCommand("""
                UPDATE callbacks SET lease_expires_at = @until
                WHERE state = 'Dialling' AND lease_owner = @owner AND id = ANY(@ids)
                """, connection);
            renew.Parameters.AddWithValue("until", PostgresDatabase.ToStored(until));
            renew.Parameters.AddWithValue("owner", _lease.Owner);
            renew.Parameters.AddWithValue("ids", ids.ToArray());
            return await renew.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> AdoptLeaseAsync(long id, string? previousOwner, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var adopt = new NpgsqlCommand("""
                UPDATE callbacks SET lease_owner = @owner, lease_expires_at = @until
                WHERE id = @id AND state = 'Dialling' AND lease_owner IS NOT DISTINCT FROM @previous
                """, connection);
            adopt.Parameters.AddWithValue("owner", _lease.Owner);
            adopt.Parameters.AddWithValue("until", PostgresDatabase.ToStored(until));
            adopt.Parameters.AddWithValue("id", id);
            adopt.Parameters.Add(new NpgsqlParameter("previous", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)previousOwner ?? DBNull.Value });
            return await adopt.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CallbackRecovery> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        SettleLeasesAsync("lease_expires_at <= @now AND lease_owner IS DISTINCT FROM @owner",
            "@served || COALESCE(lease_owner, 'its node') || ' stopped renewing its lease'",
            "'Interrupted: the lease of ' || COALESCE(lease_owner, 'its node') || ' expired'", now, cancellationToken);

    // Settles the Dialling leases matching `which` in one transaction: served if the recorded talk lasted ServedAfter, else
    // back to Pending (Failed on the last attempt). The rows are locked as they are updated, so two nodes recovering the
    // same expired lease at once settle it once (the second finds it no longer Dialling).
    private Task<CallbackRecovery> SettleLeasesAsync(string which, string servedReason, string putBackReason, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var served = new NpgsqlCommand($"""
                UPDATE callbacks SET state = 'Connected', last_outcome = {servedReason}, updated_at = @now, lease_expires_at = NULL
                WHERE state = 'Dialling' AND ({which}) AND talk_started_at IS NOT NULL AND talk_seen_at - talk_started_at >= @servedAfter
                """, connection, transaction);
            served.Parameters.AddWithValue("servedAfter", _retry.ServedAfter);
            served.Parameters.AddWithValue("served", CallbackStoreSql.ServedPrefix(_retry));
            served.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            served.Parameters.AddWithValue("owner", _lease.Owner);
            var servedCount = await served.ExecuteNonQueryAsync(cancellationToken);
            await using var recover = new NpgsqlCommand($"""
                UPDATE callbacks SET
                    state = CASE WHEN attempts >= @max THEN 'Failed' ELSE 'Pending' END,
                    next_attempt_at = @now,
                    last_outcome = {putBackReason},
                    updated_at = @now,
                    lease_expires_at = NULL
                WHERE state = 'Dialling' AND ({which})
                """, connection, transaction);
            recover.Parameters.AddWithValue("max", _retry.MaxAttempts);
            recover.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            recover.Parameters.AddWithValue("owner", _lease.Owner);
            var putBack = await recover.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CallbackRecovery(putBack, servedCount);
        }, cancellationToken);

    private void AddLease(NpgsqlCommand lease, DateTimeOffset now)
    {
        lease.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
        lease.Parameters.AddWithValue("owner", _lease.Owner);
        lease.Parameters.AddWithValue("expires", PostgresDatabase.ToStored(now + _lease.Length));
    }

    private static async Task<CallbackRecord?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static CallbackRecord Read(NpgsqlDataReader r) => new(
        Id: r.GetInt64(0),
        IdempotencyKey: r.GetString(1),
        Skill: r.GetString(2),
        Number: r.GetString(3),
        CallerNumber: r.IsDBNull(4) ? null : r.GetString(4),
        EnteredQueueAt: r.GetFieldValue<DateTimeOffset>(5),
        BookedAt: r.GetFieldValue<DateTimeOffset>(6),
        State: Enum.Parse<CallbackState>(r.GetString(7)),
        Attempts: r.GetInt32(8),
        NextAttemptAt: r.GetFieldValue<DateTimeOffset>(9),
        LastOutcome: r.IsDBNull(10) ? null : r.GetString(10),
        UpdatedAt: r.GetFieldValue<DateTimeOffset>(11),
        Language: r.IsDBNull(12) ? null : r.GetString(12),
        ConversationStartedAt: r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        ConversationSeenAt: r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        LeaseOwner: r.IsDBNull(15) ? null : r.GetString(15),
        LeaseExpiresAt: r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16));
}

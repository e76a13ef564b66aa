using Ivr.Engine.Routing.Storage;
using Npgsql;

namespace Ivr.Engine.Events;

/// <summary>
/// <see cref="IEventOutbox"/> on PostgreSQL, shared by a cluster's nodes: the lease row of a webhook decides which node
/// delivers its events (an upsert that only takes over an expired lease), so two nodes do not send the same event.
/// </summary>
public sealed class PostgresEventOutbox : IEventOutbox
{
    private const string Columns = "id, event_id, webhook, type, subject, body, created_at, attempts, next_attempt_at, last_error";

    private const int PurgeChunk = 1000;

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("events-001", """
            CREATE TABLE event_outbox (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id text NOT NULL,
                webhook text NOT NULL,
                type text NOT NULL,
                subject text NOT NULL,
                body text NOT NULL,
                created_at timestamptz NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                delivered_at timestamptz NULL,
                last_error text NULL,
                UNIQUE (webhook, event_id));
            CREATE INDEX event_outbox_pending ON event_outbox (webhook, id) WHERE delivered_at IS NULL;
            CREATE TABLE event_outbox_leases (
                webhook text PRIMARY KEY,
                owner text NOT NULL,
                expires_at timestamptz NOT NULL);
            """),
        // What the purge deletes, read without a scan of the table (the pending index is already partial).
        ("events-002", """
            CREATE INDEX event_outbox_delivered ON event_outbox (delivered_at) WHERE delivered_at IS NOT NULL;
            """),
    ];

    private readonly PostgresDatabase _database;

    private PostgresEventOutbox(PostgresDatabase database) => _database = database;

    /// <summary>Opens the outbox in <paramref name="database"/>, creating its tables if needed (once, whatever the nodes).</summary>
    public static async Task<PostgresEventOutbox> OpenAsync(PostgresDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new PostgresEventOutbox(database);
    }

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return Task.CompletedTask;
        return _database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var e in events)
            {
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO event_outbox (event_id, webhook, type, subject, body, created_at, next_attempt_at)
                    VALUES (@event, @webhook, @type, @subject, @body, @created, @created)
                    ON CONFLICT (webhook, event_id) DO NOTHING
                    """, connection, transaction);
                insert.Parameters.AddWithValue("event", e.EventId);
                insert.Parameters.AddWithValue("webhook", e.Webhook);
                insert.Parameters.AddWithValue("type", e.Type);
                insert.Parameters.AddWithValue("subject", e.Subject);
                insert.Parameters.AddWithValue("body", e.Body);
                insert.Parameters.AddWithValue("created", PostgresDatabase.ToStored(e.CreatedAt));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryLeaseAsync(string webhook, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            // The row lock of the conflicting row serialises two nodes; the second sees the first's unexpired lease and gets no row.
            await using var lease = new NpgsqlCommand("""
                INSERT INTO event_outbox_leases (webhook, owner, expires_at) VALUES (@webhook, @owner, @until)
                ON CONFLICT (webhook) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE event_outbox_leases.owner = excluded.owner OR event_outbox_leases.expires_at < @now
                RETURNING owner
                """, connection);
            lease.Parameters.AddWithValue("webhook", webhook);
            lease.Parameters.AddWithValue("owner", owner);
            lease.Parameters.AddWithValue("until", PostgresDatabase.ToStored(until));
            lease.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
            return await lease.ExecuteScalarAsync(cancellationToken) is string;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxItem>> PendingAsync(string webhook, int limit, CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<OutboxItem>>(async connection =>
        {
            await using var list = new NpgsqlCommand(
                $"SELECT {Columns} FROM event_outbox WHERE webhook = @webhook AND delivered_at IS NULL ORDER BY id LIMIT @limit", connection);
            list.Parameters.AddWithValue("webhook", webhook);
            list.Parameters.AddWithValue("limit", Math.Max(0, limit));
            var items = new List<OutboxItem>();
            await using var r = await list.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                items.Add(new OutboxItem(
                    r.GetInt64(0),
                    new OutboxEvent(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetFieldValue<DateTimeOffset>(6)),
                    r.GetInt32(7),
                    r.GetFieldValue<DateTimeOffset>(8),
                    r.IsDBNull(9) ? null : r.GetString(9)));
            }
            return items;
        }, cancellationToken);

    /// <inheritdoc />
    public Task MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var update = new NpgsqlCommand("UPDATE event_outbox SET delivered_at = @at WHERE id = @id AND delivered_at IS NULL", connection);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("at", PostgresDatabase.ToStored(at));
            return await update.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task MarkFailedAsync(long id, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var update = new NpgsqlCommand(
                "UPDATE event_outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE id = @id AND delivered_at IS NULL", connection);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("error", error);
            update.Parameters.AddWithValue("next", PostgresDatabase.ToStored(nextAttemptAt));
            return await update.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> DepthAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync(async connection =>
        {
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM event_outbox WHERE delivered_at IS NULL", connection);
            return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<int> PurgeDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        // In chunks, each its own short statement (and transaction): no long lock over a week of delivered rows.
        int total = 0, deleted;
        do
        {
            deleted = await _database.RunAsync(async connection =>
            {
                await using var delete = new NpgsqlCommand($"""
                    DELETE FROM event_outbox WHERE id IN (
                        SELECT id FROM event_outbox WHERE delivered_at IS NOT NULL AND delivered_at < @before LIMIT {PurgeChunk})
                    """, connection);
                delete.Parameters.AddWithValue("before", PostgresDatabase.ToStored(before));
                return await delete.ExecuteNonQueryAsync(cancellationToken);
            }, cancellationToken);
            total += deleted;
        }
        while (deleted == PurgeChunk);
        return total;
    }
}

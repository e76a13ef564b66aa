using Ivr.Engine.Routing.Storage;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Events;

/// <summary><see cref="IEventOutbox"/> in the SQLite file of the callbacks (<c>data/ivr.db</c>, WAL, synchronous=FULL).</summary>
public sealed class SqliteEventOutbox : IEventOutbox
{
    private const string Columns = "id, event_id, webhook, type, subject, body, created_at, attempts, next_attempt_at, last_error";

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("events-001", """
            CREATE TABLE event_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL,
                webhook TEXT NOT NULL,
                type TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                delivered_at INTEGER NULL,
                last_error TEXT NULL,
                UNIQUE (webhook, event_id));
            CREATE INDEX event_outbox_pending ON event_outbox (webhook, delivered_at, id);
            CREATE TABLE event_outbox_leases (
                webhook TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                expires_at INTEGER NOT NULL);
            """),
        // What is still to send, per webhook in order, and what the purge deletes: both read without a scan of the table.
        ("events-002", """
            CREATE INDEX event_outbox_undelivered ON event_outbox (webhook, id) WHERE delivered_at IS NULL;
            CREATE INDEX event_outbox_delivered ON event_outbox (delivered_at) WHERE delivered_at IS NOT NULL;
            """),
    ];

    private const int PurgeChunk = 1000;

    private readonly SqliteDatabase _database;

    private SqliteEventOutbox(SqliteDatabase database) => _database = database;

    /// <summary>Opens the outbox in <paramref name="database"/>, creating its tables if needed.</summary>
    public static async Task<SqliteEventOutbox> OpenAsync(SqliteDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new SqliteEventOutbox(database);
    }

    /// <inheritdoc />
    public async Task AppendAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var e in events)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO event_outbox (event_id, webhook, type, subject, body, created_at, next_attempt_at)
                VALUES ($event, $webhook, $type, $subject, $body, $created, $created)
                ON CONFLICT (webhook, event_id) DO NOTHING
                """;
            insert.Parameters.AddWithValue("$event", e.EventId);
            insert.Parameters.AddWithValue("$webhook", e.Webhook);
            insert.Parameters.AddWithValue("$type", e.Type);
            insert.Parameters.AddWithValue("$subject", e.Subject);
            insert.Parameters.AddWithValue("$body", e.Body);
            insert.Parameters.AddWithValue("$created", SqliteDatabase.ToStored(e.CreatedAt));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> TryLeaseAsync(string webhook, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var lease = connection.CreateCommand();
        lease.CommandText = """
            INSERT INTO event_outbox_leases (webhook, owner, expires_at) VALUES ($webhook, $owner, $until)
            ON CONFLICT (webhook) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE event_outbox_leases.owner = excluded.owner OR event_outbox_leases.expires_at < $now
            RETURNING owner
            """;
        lease.Parameters.AddWithValue("$webhook", webhook);
        lease.Parameters.AddWithValue("$owner", owner);
        lease.Parameters.AddWithValue("$until", SqliteDatabase.ToStored(until));
        lease.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
        return await lease.ExecuteScalarAsync(cancellationToken) is string;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxItem>> PendingAsync(string webhook, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var list = connection.CreateCommand();
        list.CommandText = $"SELECT {Columns} FROM event_outbox WHERE webhook = $webhook AND delivered_at IS NULL ORDER BY id LIMIT $limit";
        list.Parameters.AddWithValue("$webhook", webhook);
        list.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        var items = new List<OutboxItem>();
        await using var r = await list.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            items.Add(new OutboxItem(
                r.GetInt64(0),
                new OutboxEvent(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), SqliteDatabase.FromStored(r.GetInt64(6))),
                (int)r.GetInt64(7),
                SqliteDatabase.FromStored(r.GetInt64(8)),
                r.IsDBNull(9) ? null : r.GetString(9)));
        }
        return items;
    }

    /// <inheritdoc />
    public async Task MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE event_outbox SET delivered_at = $at WHERE id = $id AND delivered_at IS NULL";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$at", SqliteDatabase.ToStored(at));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task MarkFailedAsync(long id, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE event_outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $next WHERE id = $id AND delivered_at IS NULL";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$error", error);
        update.Parameters.AddWithValue("$next", SqliteDatabase.ToStored(nextAttemptAt));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> DepthAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM event_outbox WHERE delivered_at IS NULL";
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<int> PurgeDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        // In chunks, each its own short statement: a week of delivered rows never holds the write lock against the tap.
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var delete = connection.CreateCommand();
        delete.CommandText = $"""
            DELETE FROM event_outbox WHERE id IN (
                SELECT id FROM event_outbox WHERE delivered_at IS NOT NULL AND delivered_at < $before LIMIT {PurgeChunk})
            """;
        delete.Parameters.AddWithValue("$before", SqliteDatabase.ToStored(before));
        int total = 0, deleted;
        do
        {
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == PurgeChunk);
        return total;
    }
}

using Ivr.Engine.Routing.Storage;
using Npgsql;

namespace Ivr.Engine.Routing.Messages;

/// <summary>
/// <see cref="IMessageStore"/> on PostgreSQL, in the same database as the callbacks, with the semantics of
/// <see cref="SqliteMessageStore"/>. The metadata is shared by the nodes; each WAV stays in the messages folder of the
/// node that recorded it.
/// </summary>
public sealed class PostgresMessageStore : IMessageStore
{
    private const string Columns = "id, skill, caller_number, started_at, duration_ms, wav_path";

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("messages-001", """
            CREATE TABLE messages (
                id text PRIMARY KEY,
                skill text NOT NULL,
                caller_number text NULL,
                started_at timestamptz NOT NULL,
                duration_ms bigint NOT NULL,
                wav_path text NOT NULL);
            CREATE INDEX messages_skill ON messages (skill, started_at);
            """),
    ];

    private readonly PostgresDatabase _database;

    private PostgresMessageStore(PostgresDatabase database, string folder)
    {
        _database = database;
        MessagesFolder = folder;
    }

    /// <inheritdoc />
    public string MessagesFolder { get; }

    /// <summary>Opens the store (creating or migrating its table) and its WAV folder (default <c>data/messages</c>).</summary>
    public static async Task<PostgresMessageStore> OpenAsync(
        PostgresDatabase database, DateTimeOffset now, string? messagesFolder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        var folder = Path.GetFullPath(messagesFolder ?? SqliteMessageStore.DefaultFolder);
        Directory.CreateDirectory(folder);
        return new PostgresMessageStore(database, folder);
    }

    /// <inheritdoc />
    public Task<MessageRecord> SaveAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _database.RunAsync(async connection =>
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO messages (id, skill, caller_number, started_at, duration_ms, wav_path)
                VALUES (@id, @skill, @caller, @started, @duration, @wav)
                ON CONFLICT (id) DO NOTHING
                """, connection);
            insert.Parameters.AddWithValue("id", message.Id);
            insert.Parameters.AddWithValue("skill", message.Skill);
            insert.Parameters.AddWithValue("caller", (object?)message.CallerNumber ?? DBNull.Value);
            insert.Parameters.AddWithValue("started", PostgresDatabase.ToStored(message.StartedAt));
            insert.Parameters.AddWithValue("duration", (long)message.Duration.TotalMilliseconds);
            insert.Parameters.AddWithValue("wav", message.WavPath);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return await GetAsync(connection, message.Id, cancellationToken) ?? message;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MessageRecord>> ListAsync(string? skill = null, int limit = 100, CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<MessageRecord>>(async connection =>
        {
            // Ids compare byte-wise (COLLATE "C"), as SQLite's do, whatever the database's locale.
            await using var list = new NpgsqlCommand(
                $"SELECT {Columns} FROM messages WHERE (@skill::text IS NULL OR skill = @skill::text) ORDER BY started_at DESC, id COLLATE \"C\" LIMIT @limit", connection);
            list.Parameters.Add(new NpgsqlParameter<string?>("skill", skill));
            list.Parameters.AddWithValue("limit", Math.Max(0, limit));
            var messages = new List<MessageRecord>();
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) messages.Add(Read(reader));
            return messages;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<MessageRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _database.RunAsync(connection => GetAsync(connection, id, cancellationToken), cancellationToken);

    private static async Task<MessageRecord?> GetAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var get = new NpgsqlCommand($"SELECT {Columns} FROM messages WHERE id = @id", connection);
        get.Parameters.AddWithValue("id", id);
        await using var reader = await get.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static MessageRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2),
        r.GetFieldValue<DateTimeOffset>(3),
        TimeSpan.FromMilliseconds(r.GetInt64(4)),
        r.GetString(5));
}

using Ivr.Engine.Routing.Storage;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Routing.Messages;

/// <summary><see cref="IMessageStore"/> on SQLite (WAL, synchronous=FULL), in the same database file as the callbacks.</summary>
public sealed class SqliteMessageStore : IMessageStore
{
    /// <summary>The default folder of message WAV files.</summary>
    public const string DefaultFolder = "data/messages";

    private const string Columns = "id, skill, caller_number, started_at, duration_ms, wav_path";

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("messages-001", """
            CREATE TABLE messages (
                id TEXT PRIMARY KEY,
                skill TEXT NOT NULL,
                caller_number TEXT NULL,
                started_at INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL,
                wav_path TEXT NOT NULL);
            CREATE INDEX messages_skill ON messages (skill, started_at);
            """),
    ];

    private readonly SqliteDatabase _database;

    private SqliteMessageStore(SqliteDatabase database, string folder)
    {
        _database = database;
        MessagesFolder = folder;
    }

    /// <inheritdoc />
    public string MessagesFolder { get; }

    /// <summary>Opens (creating if needed) the store and its WAV folder (default <c>data/messages</c>).</summary>
    public static async Task<SqliteMessageStore> OpenAsync(
        SqliteDatabase database, DateTimeOffset now, string? messagesFolder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        var folder = Path.GetFullPath(messagesFolder ?? DefaultFolder);
        Directory.CreateDirectory(folder);
        return new SqliteMessageStore(database, folder);
    }

    /// <summary>Where the WAV of message <paramref name="id"/> belongs; the id may hold only letters, digits, '-' and '_'.</summary>
    public string WavPathFor(string id)
    {
        if (string.IsNullOrEmpty(id) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException("A message id holds only ASCII letters, digits, '-' and '_'.", nameof(id));
        return Path.Combine(MessagesFolder, id + ".wav");
    }

    /// <inheritdoc />
    public async Task<MessageRecord> SaveAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO messages (id, skill, caller_number, started_at, duration_ms, wav_path)
            VALUES ($id, $skill, $caller, $started, $duration, $wav)
            ON CONFLICT (id) DO NOTHING
            """;
        insert.Parameters.AddWithValue("$id", message.Id);
        insert.Parameters.AddWithValue("$skill", message.Skill);
        insert.Parameters.AddWithValue("$caller", (object?)message.CallerNumber ?? DBNull.Value);
        insert.Parameters.AddWithValue("$started", SqliteDatabase.ToStored(message.StartedAt));
        insert.Parameters.AddWithValue("$duration", (long)message.Duration.TotalMilliseconds);
        insert.Parameters.AddWithValue("$wav", message.WavPath);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return await GetAsync(connection, message.Id, cancellationToken) ?? message;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MessageRecord>> ListAsync(string? skill = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var list = connection.CreateCommand();
        list.CommandText = $"SELECT {Columns} FROM messages WHERE ($skill IS NULL OR skill = $skill) ORDER BY started_at DESC, id LIMIT $limit";
        list.Parameters.AddWithValue("$skill", (object?)skill ?? DBNull.Value);
        list.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        var messages = new List<MessageRecord>();
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) messages.Add(Read(reader));
        return messages;
    }

    /// <inheritdoc />
    public async Task<MessageRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await GetAsync(connection, id, cancellationToken);
    }

    private static async Task<MessageRecord?> GetAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        using var get = connection.CreateCommand();
        get.CommandText = $"SELECT {Columns} FROM messages WHERE id = $id";
        get.Parameters.AddWithValue("$id", id);
        await using var reader = await get.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static MessageRecord Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2),
        SqliteDatabase.FromStored(r.GetInt64(3)),
        TimeSpan.FromMilliseconds(r.GetInt64(4)),
        r.GetString(5));
}

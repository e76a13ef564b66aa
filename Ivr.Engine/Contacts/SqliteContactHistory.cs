using Ivr.Engine.Routing.Storage;
using Ivr.Flows.Runtime;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Contacts;

/// <summary><see cref="IContactHistory"/> in the SQLite file of the callbacks (<c>data/ivr.db</c>), instants in Unix milliseconds.</summary>
public sealed class SqliteContactHistory : IContactHistory
{
    private const string Columns = "call_id, number, started_at, ended_at, kind, flow, path, skill, agent, outcome";
    private const long Day = 24L * 60 * 60 * 1000;

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("contacts-001", """
            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id TEXT NOT NULL UNIQUE,
                number TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                flow TEXT NULL,
                path TEXT NOT NULL,
                skill TEXT NULL,
                agent TEXT NULL,
                outcome TEXT NOT NULL);
            CREATE INDEX contacts_number ON contacts (number, started_at);
            CREATE INDEX contacts_skill ON contacts (skill, started_at);
            """),
        // The repeat-contact report selects a period of all skills by start.
        ("contacts-002", """
            CREATE INDEX contacts_started ON contacts (started_at);
            """),
    ];

    private readonly SqliteDatabase _database;

    private SqliteContactHistory(SqliteDatabase database) => _database = database;

    /// <summary>Opens the history in <paramref name="database"/>, creating its table if needed.</summary>
    public static async Task<SqliteContactHistory> OpenAsync(SqliteDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new SqliteContactHistory(database);
    }

    /// <inheritdoc />
    public async Task RecordAsync(ContactRecord contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO contacts ({Columns})
            VALUES ($call, $number, $started, $ended, $kind, $flow, $path, $skill, $agent, $outcome)
            ON CONFLICT (call_id) DO NOTHING
            """;
        insert.Parameters.AddWithValue("$call", contact.CallId);
        insert.Parameters.AddWithValue("$number", CallerNumbers.Normalise(contact.Number));
        insert.Parameters.AddWithValue("$started", SqliteDatabase.ToStored(contact.StartedAt));
        insert.Parameters.AddWithValue("$ended", SqliteDatabase.ToStored(contact.EndedAt));
        insert.Parameters.AddWithValue("$kind", contact.Kind);
        insert.Parameters.AddWithValue("$flow", (object?)contact.Flow ?? DBNull.Value);
        insert.Parameters.AddWithValue("$path", contact.Path);
        insert.Parameters.AddWithValue("$skill", (object?)contact.Skill ?? DBNull.Value);
        insert.Parameters.AddWithValue("$agent", (object?)contact.Agent ?? DBNull.Value);
        insert.Parameters.AddWithValue("$outcome", contact.Outcome);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ContactRecord>> ContactsAsync(string number, DateTimeOffset since, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        // Withheld numbers are not one caller: nobody's history is listed for them.
        if (CallerNumbers.IsWithheld(number)) return [];
        number = number.Trim();
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var list = connection.CreateCommand();
        list.CommandText = $"SELECT {Columns} FROM contacts WHERE number = $number AND started_at >= $since ORDER BY started_at DESC, id DESC LIMIT $limit";
        list.Parameters.AddWithValue("$number", number);
        list.Parameters.AddWithValue("$since", SqliteDatabase.ToStored(since));
        list.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        var contacts = new List<ContactRecord>();
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) contacts.Add(Read(reader));
        return contacts;
    }

    /// <inheritdoc />
    public async Task<CallerHistory> CallerAsync(string number, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (CallerNumbers.IsWithheld(number)) return new CallerHistory(string.Empty, 0, null, null, null);
        number = number.Trim();
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT
                (SELECT COUNT(*) FROM contacts WHERE number = $number AND started_at >= $since),
                (SELECT MAX(started_at) FROM contacts WHERE number = $number),
                (SELECT skill FROM contacts WHERE number = $number AND skill IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1),
                (SELECT agent FROM contacts WHERE number = $number AND agent IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1)
            """;
        query.Parameters.AddWithValue("$number", number);
        query.Parameters.AddWithValue("$since", SqliteDatabase.ToStored(since));
        await using var r = await query.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        return new CallerHistory(
            number,
            (int)r.GetInt64(0),
            r.IsDBNull(1) ? null : SqliteDatabase.FromStored(r.GetInt64(1)),
            r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RepeatContactRate>> RepeatContactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            SELECT c.skill, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM contacts n WHERE n.number = c.number AND n.kind = 'inbound'
                    AND n.started_at > c.started_at AND n.started_at <= c.started_at + {Day}) THEN 1 ELSE 0 END),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM contacts n WHERE n.number = c.number AND n.kind = 'inbound'
                    AND n.started_at > c.started_at AND n.started_at <= c.started_at + {7 * Day}) THEN 1 ELSE 0 END)
            FROM contacts c
            WHERE c.kind = 'inbound' AND c.skill IS NOT NULL AND c.number <> '' AND c.started_at >= $from AND c.started_at < $to
            GROUP BY c.skill ORDER BY c.skill
            """;
        query.Parameters.AddWithValue("$from", SqliteDatabase.ToStored(from));
        query.Parameters.AddWithValue("$to", SqliteDatabase.ToStored(to));
        var rates = new List<RepeatContactRate>();
        await using var r = await query.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) rates.Add(new RepeatContactRate(r.GetString(0), (int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3)));
        return rates;
    }

    private static ContactRecord Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        SqliteDatabase.FromStored(r.GetInt64(2)),
        SqliteDatabase.FromStored(r.GetInt64(3)),
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.GetString(9));
}

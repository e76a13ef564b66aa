using Ivr.Engine.Routing.Storage;
using Ivr.Flows.Runtime;
using Npgsql;

namespace Ivr.Engine.Contacts;

/// <summary><see cref="IContactHistory"/> on PostgreSQL, shared by a cluster's nodes, with the semantics of <see cref="SqliteContactHistory"/>.</summary>
public sealed class PostgresContactHistory : IContactHistory
{
    private const string Columns = "call_id, number, started_at, ended_at, kind, flow, path, skill, agent, outcome";

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("contacts-001", """
            CREATE TABLE contacts (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                call_id text NOT NULL UNIQUE,
                number text NOT NULL,
                started_at timestamptz NOT NULL,
                ended_at timestamptz NOT NULL,
                kind text NOT NULL,
                flow text NULL,
                path text NOT NULL,
                skill text NULL,
                agent text NULL,
                outcome text NOT NULL);
            CREATE INDEX contacts_number ON contacts (number, started_at);
            CREATE INDEX contacts_skill ON contacts (skill, started_at);
            """),
        // The repeat-contact report selects a period of all skills by start.
        ("contacts-002", """
            CREATE INDEX contacts_started ON contacts (started_at);
            """),
    ];

    private readonly PostgresDatabase _database;

    private PostgresContactHistory(PostgresDatabase database) => _database = database;

    /// <summary>Opens the history in <paramref name="database"/>, creating its table if needed (once, whatever the nodes).</summary>
    public static async Task<PostgresContactHistory> OpenAsync(PostgresDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new PostgresContactHistory(database);
    }

    /// <inheritdoc />
    public Task RecordAsync(ContactRecord contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return _database.RunAsync(async connection =>
        {
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO contacts ({Columns})
                VALUES (@call, @number, @started, @ended, @kind, @flow, @path, @skill, @agent, @outcome)
                ON CONFLICT (call_id) DO NOTHING
                """, connection);
            insert.Parameters.AddWithValue("call", contact.CallId);
            insert.Parameters.AddWithValue("number", CallerNumbers.Normalise(contact.Number));
            insert.Parameters.AddWithValue("started", PostgresDatabase.ToStored(contact.StartedAt));
            insert.Parameters.AddWithValue("ended", PostgresDatabase.ToStored(contact.EndedAt));
            insert.Parameters.AddWithValue("kind", contact.Kind);
            insert.Parameters.Add(new NpgsqlParameter<string?>("flow", contact.Flow));
            insert.Parameters.AddWithValue("path", contact.Path);
            insert.Parameters.Add(new NpgsqlParameter<string?>("skill", contact.Skill));
            insert.Parameters.Add(new NpgsqlParameter<string?>("agent", contact.Agent));
            insert.Parameters.AddWithValue("outcome", contact.Outcome);
            return await insert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ContactRecord>> ContactsAsync(string number, DateTimeOffset since, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        // Withheld numbers are not one caller: nobody's history is listed for them.
        if (CallerNumbers.IsWithheld(number)) return Task.FromResult<IReadOnlyList<ContactRecord>>([]);
        number = number.Trim();
        return _database.RunAsync<IReadOnlyList<ContactRecord>>(async connection =>
        {
            await using var list = new NpgsqlCommand(
                $"SELECT {Columns} FROM contacts WHERE number = @number AND started_at >= @since ORDER BY started_at DESC, id DESC LIMIT @limit", connection);
            list.Parameters.AddWithValue("number", number);
            list.Parameters.AddWithValue("since", PostgresDatabase.ToStored(since));
            list.Parameters.AddWithValue("limit", Math.Max(0, limit));
            var contacts = new List<ContactRecord>();
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) contacts.Add(Read(reader));
            return contacts;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CallerHistory> CallerAsync(string number, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (CallerNumbers.IsWithheld(number)) return Task.FromResult(new CallerHistory(string.Empty, 0, null, null, null));
        number = number.Trim();
        return _database.RunAsync(async connection =>
        {
            await using var query = new NpgsqlCommand("""
                SELECT
                    (SELECT COUNT(*) FROM contacts WHERE number = @number AND started_at >= @since),
                    (SELECT MAX(started_at) FROM contacts WHERE number = @number),
                    (SELECT skill FROM contacts WHERE number = @number AND skill IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1),
                    (SELECT agent FROM contacts WHERE number = @number AND agent IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1)
                """, connection);
            query.Parameters.AddWithValue("number", number);
            query.Parameters.AddWithValue("since", PostgresDatabase.ToStored(since));
            await using var r = await query.ExecuteReaderAsync(cancellationToken);
            await r.ReadAsync(cancellationToken);
            return new CallerHistory(
                number,
                (int)r.GetInt64(0),
                r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RepeatContactRate>> RepeatContactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<RepeatContactRate>>(async connection =>
        {
            // Skills compare byte-wise (COLLATE "C"), as SQLite's do, whatever the database's locale.
            await using var query = new NpgsqlCommand("""
                SELECT c.skill, COUNT(*),
                    SUM(CASE WHEN EXISTS (SELECT 1 FROM contacts n WHERE n.number = c.number AND n.kind = 'inbound'
                        AND n.started_at > c.started_at AND n.started_at <= c.started_at + interval '24 hours') THEN 1 ELSE 0 END),
                    SUM(CASE WHEN EXISTS (SELECT 1 FROM contacts n WHERE n.number = c.number AND n.kind = 'inbound'
                        AND n.started_at > c.started_at AND n.started_at <= c.started_at + interval '7 days') THEN 1 ELSE 0 END)
                FROM contacts c
                WHERE c.kind = 'inbound' AND c.skill IS NOT NULL AND c.number <> '' AND c.started_at >= @from AND c.started_at < @to
                GROUP BY c.skill ORDER BY c.skill COLLATE "C"
                """, connection);
            query.Parameters.AddWithValue("from", PostgresDatabase.ToStored(from));
            query.Parameters.AddWithValue("to", PostgresDatabase.ToStored(to));
            var rates = new List<RepeatContactRate>();
            await using var r = await query.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) rates.Add(new RepeatContactRate(r.GetString(0), (int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3)));
            return rates;
        }, cancellationToken);

    private static ContactRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetFieldValue<DateTimeOffset>(2),
        r.GetFieldValue<DateTimeOffset>(3),
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.GetString(9));
}

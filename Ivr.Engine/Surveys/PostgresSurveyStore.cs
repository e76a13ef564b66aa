using Ivr.Engine.Routing.Storage;
using Npgsql;

namespace Ivr.Engine.Surveys;

/// <summary><see cref="ISurveyStore"/> on PostgreSQL, shared by a cluster's nodes, with the semantics of <see cref="SqliteSurveyStore"/>.</summary>
public sealed class PostgresSurveyStore : ISurveyStore
{
    private const string Columns = "call_id, number, offered_at, flow, step, path, skill, agent, waited_s, q1, q2";

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("surveys-001", """
            CREATE TABLE surveys (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                call_id text NOT NULL UNIQUE,
                number text NOT NULL,
                offered_at timestamptz NOT NULL,
                flow text NOT NULL,
                step text NOT NULL,
                path text NOT NULL,
                skill text NULL,
                agent text NULL,
                waited_s double precision NULL,
                q1 smallint NULL CHECK (q1 BETWEEN 1 AND 5),
                q2 smallint NULL CHECK (q2 BETWEEN 1 AND 5));
            CREATE INDEX surveys_offered ON surveys (offered_at);
            """),
    ];

    private readonly PostgresDatabase _database;

    private PostgresSurveyStore(PostgresDatabase database) => _database = database;

    /// <summary>Opens the store in <paramref name="database"/>, creating its table if needed (once, whatever the nodes).</summary>
    public static async Task<PostgresSurveyStore> OpenAsync(PostgresDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new PostgresSurveyStore(database);
    }

    /// <inheritdoc />
    public Task RecordAsync(SurveyRecord survey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(survey);
        return _database.RunAsync(async connection =>
        {
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO surveys ({Columns})
                VALUES (@call, @number, @offered, @flow, @step, @path, @skill, @agent, @waited, @q1, @q2)
                ON CONFLICT (call_id) DO NOTHING
                """, connection);
            insert.Parameters.AddWithValue("call", survey.CallId);
            insert.Parameters.AddWithValue("number", survey.Number);
            insert.Parameters.AddWithValue("offered", PostgresDatabase.ToStored(survey.OfferedAt));
            insert.Parameters.AddWithValue("flow", survey.Flow);
            insert.Parameters.AddWithValue("step", survey.Step);
            insert.Parameters.AddWithValue("path", survey.Path);
            insert.Parameters.Add(new NpgsqlParameter<string?>("skill", survey.Skill));
            insert.Parameters.Add(new NpgsqlParameter<string?>("agent", survey.Agent));
            insert.Parameters.Add(new NpgsqlParameter<double?>("waited", survey.WaitedSeconds));
            insert.Parameters.Add(new NpgsqlParameter<short?>("q1", (short?)survey.Q1));
            insert.Parameters.Add(new NpgsqlParameter<short?>("q2", (short?)survey.Q2));
            return await insert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SurveyRecord>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit = 100, CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<SurveyRecord>>(async connection =>
        {
            await using var list = new NpgsqlCommand(
                $"SELECT {Columns} FROM surveys WHERE offered_at >= @from AND offered_at < @to ORDER BY offered_at DESC, id DESC LIMIT @limit", connection);
            list.Parameters.AddWithValue("from", PostgresDatabase.ToStored(from));
            list.Parameters.AddWithValue("to", PostgresDatabase.ToStored(to));
            list.Parameters.AddWithValue("limit", Math.Max(0, limit));
            var surveys = new List<SurveyRecord>();
            await using var r = await list.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                surveys.Add(new SurveyRecord(
                    r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.GetString(4), r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetString(6),
                    r.IsDBNull(7) ? null : r.GetString(7),
                    r.IsDBNull(8) ? null : r.GetDouble(8),
                    r.IsDBNull(9) ? null : r.GetInt16(9),
                    r.IsDBNull(10) ? null : r.GetInt16(10)));
            }
            return surveys;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SurveyTally>> TallyAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<SurveyTally>>(async connection =>
        {
            // Paths and skills compare byte-wise (COLLATE "C"), as SQLite's do, whatever the database's locale.
            await using var query = new NpgsqlCommand("""
                SELECT path, COALESCE(skill, ''), COUNT(*),
                    SUM(CASE WHEN q1 IS NOT NULL OR q2 IS NOT NULL THEN 1 ELSE 0 END),
                    COUNT(q1), COALESCE(SUM(q1), 0), SUM(CASE WHEN q1 = 5 THEN 1 ELSE 0 END),
                    COUNT(q2), COALESCE(SUM(q2), 0)
                FROM surveys
                WHERE offered_at >= @from AND offered_at < @to
                GROUP BY path, COALESCE(skill, '') ORDER BY path COLLATE "C", COALESCE(skill, '') COLLATE "C"
                """, connection);
            query.Parameters.AddWithValue("from", PostgresDatabase.ToStored(from));
            query.Parameters.AddWithValue("to", PostgresDatabase.ToStored(to));
            var tallies = new List<SurveyTally>();
            await using var r = await query.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                tallies.Add(new SurveyTally(r.GetString(0), r.GetString(1), (int)r.GetInt64(2), (int)r.GetInt64(3),
                    (int)r.GetInt64(4), r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7), r.GetInt64(8)));
            }
            return tallies;
        }, cancellationToken);
}

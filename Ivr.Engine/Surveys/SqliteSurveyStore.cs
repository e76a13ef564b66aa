using Ivr.Engine.Routing.Storage;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Surveys;

/// <summary><see cref="ISurveyStore"/> in the SQLite file of the callbacks (<c>data/ivr.db</c>), instants in Unix milliseconds.</summary>
public sealed class SqliteSurveyStore : ISurveyStore
{
    private const string Columns = "call_id, number, offered_at, flow, step, path, skill, agent, waited_s, q1, q2";

    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("surveys-001", """
            CREATE TABLE surveys (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id TEXT NOT NULL UNIQUE,
                number TEXT NOT NULL,
                offered_at INTEGER NOT NULL,
                flow TEXT NOT NULL,
                step TEXT NOT NULL,
                path TEXT NOT NULL,
                skill TEXT NULL,
                agent TEXT NULL,
                waited_s REAL NULL,
                q1 INTEGER NULL CHECK (q1 BETWEEN 1 AND 5),
                q2 INTEGER NULL CHECK (q2 BETWEEN 1 AND 5));
            CREATE INDEX surveys_offered ON surveys (offered_at);
            """),
    ];

    private readonly SqliteDatabase _database;

    private SqliteSurveyStore(SqliteDatabase database) => _database = database;

    /// <summary>Opens the store in <paramref name="database"/>, creating its table if needed.</summary>
    public static async Task<SqliteSurveyStore> OpenAsync(SqliteDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(Migrations, now, cancellationToken);
        return new SqliteSurveyStore(database);
    }

    /// <inheritdoc />
    public async Task RecordAsync(SurveyRecord survey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(survey);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO surveys ({Columns})
            VALUES ($call, $number, $offered, $flow, $step, $path, $skill, $agent, $waited, $q1, $q2)
            ON CONFLICT (call_id) DO NOTHING
            """;
        insert.Parameters.AddWithValue("$call", survey.CallId);
        insert.Parameters.AddWithValue("$number", survey.Number);
        insert.Parameters.AddWithValue("$offered", SqliteDatabase.ToStored(survey.OfferedAt));
        insert.Parameters.AddWithValue("$flow", survey.Flow);
        insert.Parameters.AddWithValue("$step", survey.Step);
        insert.Parameters.AddWithValue("$path", survey.Path);
        insert.Parameters.AddWithValue("$skill", (object?)survey.Skill ?? DBNull.Value);
        insert.Parameters.AddWithValue("$agent", (object?)survey.Agent ?? DBNull.Value);
        insert.Parameters.AddWithValue("$waited", (object?)survey.WaitedSeconds ?? DBNull.Value);
        insert.Parameters.AddWithValue("$q1", (object?)survey.Q1 ?? DBNull.Value);
        insert.Parameters.AddWithValue("$q2", (object?)survey.Q2 ?? DBNull.Value);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SurveyRecord>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var list = connection.CreateCommand();
        list.CommandText = $"SELECT {Columns} FROM surveys WHERE offered_at >= $from AND offered_at < $to ORDER BY offered_at DESC, id DESC LIMIT $limit";
        list.Parameters.AddWithValue("$from", SqliteDatabase.ToStored(from));
        list.Parameters.AddWithValue("$to", SqliteDatabase.ToStored(to));
        list.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        var surveys = new List<SurveyRecord>();
        await using var r = await list.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            surveys.Add(new SurveyRecord(
                r.GetString(0), r.GetString(1), SqliteDatabase.FromStored(r.GetInt64(2)), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : r.GetDouble(8),
                r.IsDBNull(9) ? null : (int)r.GetInt64(9),
                r.IsDBNull(10) ? null : (int)r.GetInt64(10)));
        }
        return surveys;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SurveyTally>> TallyAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT path, COALESCE(skill, ''), COUNT(*),
                SUM(CASE WHEN q1 IS NOT NULL OR q2 IS NOT NULL THEN 1 ELSE 0 END),
                COUNT(q1), COALESCE(SUM(q1), 0), SUM(CASE WHEN q1 = 5 THEN 1 ELSE 0 END),
                COUNT(q2), COALESCE(SUM(q2), 0)
            FROM surveys
            WHERE offered_at >= $from AND offered_at < $to
            GROUP BY path, COALESCE(skill, '') ORDER BY path, COALESCE(skill, '')
            """;
        query.Parameters.AddWithValue("$from", SqliteDatabase.ToStored(from));
        query.Parameters.AddWithValue("$to", SqliteDatabase.ToStored(to));
        var tallies = new List<SurveyTally>();
        await using var r = await query.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            tallies.Add(new SurveyTally(r.GetString(0), r.GetString(1), (int)r.GetInt64(2), (int)r.GetInt64(3),
                (int)r.GetInt64(4), r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7), r.GetInt64(8)));
        }
        return tallies;
    }
}

using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Routing.Storage;

/// <summary>
/// Opens connections to the router's SQLite file (default <c>data/ivr.db</c>) with the durability settings every write
/// relies on, and applies named schema migrations once, recorded in a <c>migrations</c> table.
/// </summary>
/// <remarks>
/// WAL journal (persistent in the file) and <c>synchronous=FULL</c> on every connection: a commit is fsynced to the WAL
/// before it returns, so a booked callback survives kill -9 and power loss. Writers serialise on SQLite's write lock;
/// the busy timeout makes a second writer wait instead of failing.
/// </remarks>
public sealed class SqliteDatabase
{
    /// <summary>The default database file, relative to the working directory.</summary>
    public const string DefaultPath = "data/ivr.db";

    private readonly string _connectionString;

    /// <summary>Describes the database at <paramref name="path"/>; nothing is opened until <see cref="OpenAsync"/>.</summary>
    public SqliteDatabase(string? path = null)
    {
        Path = System.IO.Path.GetFullPath(path ?? DefaultPath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>An open connection with WAL, synchronous=FULL and a busy timeout.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Applies each migration (id, SQL) not yet recorded, in order, each in its own immediate transaction.</summary>
    public async Task MigrateAsync(IReadOnlyList<(string Id, string Sql)> migrations, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL);", cancellationToken);
        foreach (var (id, sql) in migrations)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM migrations WHERE id = $id";
                check.Parameters.AddWithValue("$id", id);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0) continue;
            }
            using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = sql;
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO migrations (id, applied_at) VALUES ($id, $at)";
                record.Parameters.AddWithValue("$id", id);
                record.Parameters.AddWithValue("$at", now.ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Milliseconds since the Unix epoch: how instants are stored (sortable, exact to the millisecond).</summary>
    public static long ToStored(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    /// <summary>The instant stored as <paramref name="milliseconds"/>, in UTC.</summary>
    public static DateTimeOffset FromStored(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

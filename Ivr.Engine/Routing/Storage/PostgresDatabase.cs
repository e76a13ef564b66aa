using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace Ivr.Engine.Routing.Storage;

/// <summary>
/// The durable stores' PostgreSQL database (<c>Storage:Provider=postgres</c>), shared by every node of a cluster: one pooled
/// <see cref="NpgsqlDataSource"/>, and named schema migrations applied once however many nodes open it at the same time.
/// </summary>
/// <remarks>
/// Every statement is one autocommitted transaction (or an explicit one), durable when it returns with the server's
/// default <c>synchronous_commit=on</c>. A database restart leaves broken idle connections in Npgsql's pool: the first
/// statement that fails on a connection-level error clears the pool, so the next one opens a fresh connection and the
/// engine recovers without a restart.
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable
{
    // The key of the advisory lock that serialises migrations across nodes ("ivr" in ASCII).
    private const long MigrationLock = 0x697672;

    private readonly NpgsqlDataSource _source;

    private PostgresDatabase(NpgsqlDataSource source, string endpoint)
    {
        _source = source;
        Endpoint = endpoint;
    }

    /// <summary>The server as <c>host:port</c> (as given: several hosts are comma-separated), for messages.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// Opens a pool on <paramref name="connectionString"/> (Npgsql format; without a <c>Timeout</c> a connection attempt
    /// gives up after 5 s, without a <c>Command Timeout</c> a statement after 10 s) and checks that the database answers.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The string is malformed, or the server cannot be reached or refuses it.</exception>
    public static async Task<PostgresDatabase> OpenAsync(string? connectionString, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new StorageUnavailableException("PostgreSQL: no connection string; set Storage:ConnectionString (e.g. Host=127.0.0.1;Port=5432;Database=ivr;Username=ivr)");
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = WithDefaults(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // The parser's messages name the keyword, not its value: a password does not end up in the log.
            throw new StorageUnavailableException("PostgreSQL: Storage:ConnectionString is malformed: " + FirstLine(ex.Message), ex);
        }
        var endpoint = EndpointOf(settings);
        var source = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        var database = new PostgresDatabase(source, endpoint);
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(cancellationToken);
            return database;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
        {
            await source.DisposeAsync();
            throw new StorageUnavailableException($"PostgreSQL {endpoint}: {Reason(ex)}", ex);
        }
    }

    /// <summary>An open pooled connection; dispose it to give it back.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            Forget(ex);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection; a connection-level failure (server restarted, network cut)
    /// clears the pool before it is rethrown, so the next call starts on a fresh connection.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            return await work(connection);
        }
        catch (NpgsqlException ex)
        {
            Forget(ex);
            throw;
        }
    }

    /// <summary>
    /// Applies each migration (id, SQL) not yet recorded in the <c>migrations</c> table, in order, in one transaction that
    /// first takes a transaction-scoped advisory lock: nodes opening the database at once apply each migration exactly once.
    /// </summary>
    public Task MigrateAsync(IReadOnlyList<(string Id, string Sql)> migrations, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        return RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockIt = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
            {
                lockIt.Parameters.AddWithValue("key", MigrationLock);
                await lockIt.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var table = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL)", connection, transaction))
            {
                await table.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var (id, sql) in migrations)
            {
                await using (var check = new NpgsqlCommand("SELECT COUNT(*) FROM migrations WHERE id = @id", connection, transaction))
                {
                    check.Parameters.AddWithValue("id", id);
                    if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0) continue;
                }
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var record = new NpgsqlCommand("INSERT INTO migrations (id, applied_at) VALUES (@id, @at)", connection, transaction))
                {
                    record.Parameters.AddWithValue("id", id);
                    record.Parameters.AddWithValue("at", ToStored(now));
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>An instant as written to a <c>timestamptz</c> column (Npgsql takes only UTC offsets).</summary>
    public static DateTimeOffset ToStored(DateTimeOffset at) => at.ToUniversalTime();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private void Forget(NpgsqlException ex)
    {
        // A statement the server rejected (constraint, syntax) says nothing about the connection; anything else may.
        if (ex is PostgresException { SqlState: var state } && !state.StartsWith("08", StringComparison.Ordinal) && !state.StartsWith("57P", StringComparison.Ordinal)) return;
        _source.Clear();
    }

    private static NpgsqlConnectionStringBuilder WithDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // Bounded waits during an outage: a booking is refused within seconds rather than holding the caller for Npgsql's 15/30 s.
        if (!given.ContainsKey("Timeout")) settings.Timeout = 5;
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout")) settings.CommandTimeout = 10;
        return settings;
    }

    private static string EndpointOf(NpgsqlConnectionStringBuilder settings)
    {
        var host = string.IsNullOrEmpty(settings.Host) ? "localhost" : settings.Host;
        // Several hosts (h1:5433,h2) each carry their own port or the Port setting: name them as given.
        return host.Contains(',', StringComparison.Ordinal) ? host : host + ":" + settings.Port.ToString(CultureInfo.InvariantCulture);
    }

    private static string Reason(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return $"{pg.MessageText} ({pg.SqlState})";
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused (is the server running and listening there?)",
                        SocketError.HostNotFound or SocketError.NoData => "unknown host",
                        SocketError.TimedOut => "no answer (timed out)",
                        _ => FirstLine(socket.Message),
                    };
                case TimeoutException:
                    return "no answer within the connection timeout";
            }
        }
        return FirstLine(ex.Message);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}

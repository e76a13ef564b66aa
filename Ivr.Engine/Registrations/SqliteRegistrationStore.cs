using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Sip.Registrar;
using Microsoft.Data.Sqlite;

namespace Ivr.Engine.Registrations;

/// <summary><see cref="IRegistrationStore"/> in the SQLite file of the callbacks (<c>data/ivr.db</c>), instants in Unix milliseconds.</summary>
public sealed class SqliteRegistrationStore : IRegistrationStore
{
    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("registrations-001", """
            CREATE TABLE registrations (
                agent_id TEXT NOT NULL,
                aor_user TEXT NOT NULL,
                contact TEXT NOT NULL,
                q TEXT NULL,
                call_id TEXT NOT NULL,
                cseq INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                registered_at INTEGER NOT NULL,
                transport TEXT NOT NULL,
                received_address TEXT NOT NULL,
                received_port INTEGER NOT NULL,
                user_agent TEXT NULL,
                node TEXT NULL,
                PRIMARY KEY (agent_id, contact));
            CREATE INDEX registrations_expires ON registrations (expires_at);
            """),
    ];

    private readonly SqliteDatabase _database;

    private SqliteRegistrationStore(SqliteDatabase database) => _database = database;

    /// <summary>Opens the store in <paramref name="database"/>, creating its table if needed.</summary>
    public static async Task<SqliteRegistrationStore> OpenAsync(SqliteDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await database.MigrateAsync(Migrations, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"SQLite {database.Path}: creating the registrations table failed: {ex.Message}", ex);
        }
        return new SqliteRegistrationStore(database);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredRegistration>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        SelectAsync(null, now, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredRegistration>> FindAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        return SelectAsync(agentId, now, cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReplaceAsync(string agentId, string user, IReadOnlyList<RegistrationBinding> bindings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(bindings);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM registrations WHERE agent_id = $agent";
                delete.Parameters.AddWithValue("$agent", agentId);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (var binding in bindings)
            {
                var row = RegistrationRow.Of(agentId, user, binding);
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"""
                    INSERT INTO registrations ({RegistrationRow.Columns})
                    VALUES ($agent, $user, $contact, $q, $call, $cseq, $expires, $registered, $transport, $address, $port, $ua, $node)
                    """;
                insert.Parameters.AddWithValue("$agent", row.AgentId);
                insert.Parameters.AddWithValue("$user", row.User);
                insert.Parameters.AddWithValue("$contact", row.Contact);
                insert.Parameters.AddWithValue("$q", (object?)row.Q ?? DBNull.Value);
                insert.Parameters.AddWithValue("$call", row.CallId);
                insert.Parameters.AddWithValue("$cseq", row.CSeq);
                insert.Parameters.AddWithValue("$expires", SqliteDatabase.ToStored(row.Expires));
                insert.Parameters.AddWithValue("$registered", SqliteDatabase.ToStored(row.Registered));
                insert.Parameters.AddWithValue("$transport", row.Transport);
                insert.Parameters.AddWithValue("$address", row.Address);
                insert.Parameters.AddWithValue("$port", row.Port);
                insert.Parameters.AddWithValue("$ua", (object?)row.UserAgent ?? DBNull.Value);
                insert.Parameters.AddWithValue("$node", (object?)row.Node ?? DBNull.Value);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"SQLite {_database.Path}: writing agent {agentId}'s registrations failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM registrations WHERE expires_at <= $now";
            delete.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
            return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"SQLite {_database.Path}: removing expired registrations failed: {ex.Message}", ex);
        }
    }

    private async Task<IReadOnlyList<StoredRegistration>> SelectAsync(string? agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<RegistrationRow>();
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT {RegistrationRow.Columns} FROM registrations WHERE expires_at > $now"
                + (agentId is null ? "" : " AND agent_id = $agent") + " ORDER BY agent_id, registered_at, contact";
            select.Parameters.AddWithValue("$now", SqliteDatabase.ToStored(now));
            if (agentId is not null) select.Parameters.AddWithValue("$agent", agentId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new RegistrationRow(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4), reader.GetInt64(5), SqliteDatabase.FromStored(reader.GetInt64(6)), SqliteDatabase.FromStored(reader.GetInt64(7)),
                    reader.GetString(8), reader.GetString(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                    reader.IsDBNull(12) ? null : reader.GetString(12)));
            }
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"SQLite {_database.Path}: reading registrations failed: {ex.Message}", ex);
        }
        return rows.Select(r => r.ToStored()).ToArray();
    }

    private static bool IsFailure(Exception ex) => ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException;
}

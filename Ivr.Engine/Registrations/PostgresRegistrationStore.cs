using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Sip.Registrar;
using Npgsql;

namespace Ivr.Engine.Registrations;

/// <summary>
/// <see cref="IRegistrationStore"/> on PostgreSQL, shared by a cluster's nodes, with the semantics of
/// <see cref="SqliteRegistrationStore"/>: whichever node took a REGISTER, every node reads its binding.
/// </summary>
public sealed class PostgresRegistrationStore : IRegistrationStore
{
    private static readonly (string Id, string Sql)[] Migrations =
    [
        ("registrations-001", """
            CREATE TABLE registrations (
                agent_id text NOT NULL,
                aor_user text NOT NULL,
                contact text NOT NULL,
                q text NULL,
                call_id text NOT NULL,
                cseq bigint NOT NULL,
                expires_at timestamptz NOT NULL,
                registered_at timestamptz NOT NULL,
                transport text NOT NULL,
                received_address text NOT NULL,
                received_port integer NOT NULL,
                user_agent text NULL,
                node text NULL,
                PRIMARY KEY (agent_id, contact));
            CREATE INDEX registrations_expires ON registrations (expires_at);
            """),
    ];

    private readonly PostgresDatabase _database;

    private PostgresRegistrationStore(PostgresDatabase database) => _database = database;

    /// <summary>Opens the store in <paramref name="database"/>, creating its table if needed (once, whatever the nodes).</summary>
    public static async Task<PostgresRegistrationStore> OpenAsync(PostgresDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await database.MigrateAsync(Migrations, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"PostgreSQL {database.Endpoint}: creating the registrations table failed: {ex.Message}", ex);
        }
        return new PostgresRegistrationStore(database);
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
            await _database.RunAsync(async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var delete = new NpgsqlCommand("DELETE FROM registrations WHERE agent_id = @agent", connection, transaction))
                {
                    delete.Parameters.AddWithValue("agent", agentId);
                    await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                foreach (var binding in bindings)
                {
                    var row = RegistrationRow.Of(agentId, user, binding);
                    await using var insert = new NpgsqlCommand($"""
                        INSERT INTO registrations ({RegistrationRow.Columns})
                        VALUES (@agent, @user, @contact, @q, @call, @cseq, @expires, @registered, @transport, @address, @port, @ua, @node)
                        """, connection, transaction);
                    insert.Parameters.AddWithValue("agent", row.AgentId);
                    insert.Parameters.AddWithValue("user", row.User);
                    insert.Parameters.AddWithValue("contact", row.Contact);
                    insert.Parameters.AddWithValue("q", (object?)row.Q ?? DBNull.Value);
                    insert.Parameters.AddWithValue("call", row.CallId);
                    insert.Parameters.AddWithValue("cseq", row.CSeq);
                    insert.Parameters.AddWithValue("expires", PostgresDatabase.ToStored(row.Expires));
                    insert.Parameters.AddWithValue("registered", PostgresDatabase.ToStored(row.Registered));
                    insert.Parameters.AddWithValue("transport", row.Transport);
                    insert.Parameters.AddWithValue("address", row.Address);
                    insert.Parameters.AddWithValue("port", row.Port);
                    insert.Parameters.AddWithValue("ua", (object?)row.UserAgent ?? DBNull.Value);
                    insert.Parameters.AddWithValue("node", (object?)row.Node ?? DBNull.Value);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"PostgreSQL {_database.Endpoint}: writing agent {agentId}'s registrations failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _database.RunAsync(async connection =>
            {
                await using var delete = new NpgsqlCommand("DELETE FROM registrations WHERE expires_at <= @now", connection);
                delete.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
                return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"PostgreSQL {_database.Endpoint}: removing expired registrations failed: {ex.Message}", ex);
        }
    }

    private async Task<IReadOnlyList<StoredRegistration>> SelectAsync(string? agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<RegistrationRow> rows;
        try
        {
            rows = await _database.RunAsync(async connection =>
            {
                var found = new List<RegistrationRow>();
                await using var select = new NpgsqlCommand($"SELECT {RegistrationRow.Columns} FROM registrations WHERE expires_at > @now"
                    + (agentId is null ? "" : " AND agent_id = @agent") + " ORDER BY agent_id, registered_at, contact", connection);
                select.Parameters.AddWithValue("now", PostgresDatabase.ToStored(now));
                if (agentId is not null) select.Parameters.AddWithValue("agent", agentId);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    found.Add(new RegistrationRow(
                        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.GetString(4), reader.GetInt64(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7),
                        reader.GetString(8), reader.GetString(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                        reader.IsDBNull(12) ? null : reader.GetString(12)));
                }
                return found;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            throw new RegistrationStoreException($"PostgreSQL {_database.Endpoint}: reading registrations failed: {ex.Message}", ex);
        }
        return rows.Select(r => r.ToStored()).ToArray();
    }

    private static bool IsFailure(Exception ex) =>
        ex is NpgsqlException or StorageUnavailableException or InvalidOperationException or System.Net.Sockets.SocketException;
}

using Ivr.Engine.Routing.Callbacks;
using Microsoft.Data.Sqlite;

namespace Ivr.Tests.Routing.Callbacks;

/// <summary>The store contract on SQLite, plus what is SQLite's own: WAL and synchronous=FULL, migrating an older file.</summary>
public sealed class SqliteCallbackStoreTests : CallbackStoreContract, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override async Task<ICallbackStore> Open(CallbackRetryPolicy? retry = null, CallbackLeaseOptions? lease = null, DateTimeOffset? now = null) =>
        await SqliteCallbackStore.OpenAsync(_db.Database, now ?? T0, retry, lease);

    protected override void Crash() => SqliteConnection.ClearAllPools();

    [Fact]
    public async Task OpenAsync_NewFile_CreatesSchemaAndMigrationsInWalMode()
    {
        await Open();
        await Open();

        await using var connection = await _db.Database.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM migrations WHERE id = 'callbacks-001'";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, await command.ExecuteScalarAsync());
        Assert.True(File.Exists(_db.Path_));
    }

    [Fact]
    public async Task OpenAsync_ADatabaseFromBeforeLanguages_GainsTheColumn_AndItsPendingCallbacksStay()
    {
        // The file as the previous version left it: only the first migration, one callback pending.
        await _db.Database.MigrateAsync(SqliteCallbackStore.Migrations[..1], T0);
        await using (var connection = await _db.Database.OpenAsync())
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO callbacks (idempotency_key, skill, number, caller_number, entered_at, booked_at, state, attempts, next_attempt_at, updated_at)
                VALUES ('old-1', 'support', '+33612345678', NULL, 0, 0, 'Pending', 0, 0, 0)
                """;
            await insert.ExecuteNonQueryAsync();
        }

        var store = await Open();

        var old = Assert.Single(await store.ListPendingAsync());
        Assert.Equal("old-1", old.IdempotencyKey);
        Assert.Null(old.Language);
        Assert.Equal("fr-FR", (await store.BookAsync(Booking("new-1") with { Language = "fr-FR" })).Record.Language);
    }
}

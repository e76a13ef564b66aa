using System.Globalization;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.Storage;
using Npgsql;

namespace Ivr.Tests.Routing.Callbacks;

/// <summary>
/// The store contract on a real PostgreSQL server (one throw-away server for the class, a fresh database per test), plus
/// what is PostgreSQL's own: several nodes creating the schema at once, a clear error for a server that cannot be used,
/// and the same pool working again after the server was down.
/// </summary>
public sealed class PostgresCallbackStoreTests(PostgresServer server) : CallbackStoreContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _opened = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
    }

    protected override async Task<ICallbackStore> Open(CallbackRetryPolicy? retry = null, CallbackLeaseOptions? lease = null, DateTimeOffset? now = null) =>
        await PostgresCallbackStore.OpenAsync(await Connect(), now ?? T0, retry, lease);

    // Each store gets its own pool, as each node has: nothing to forget.
    protected override void Crash()
    {
    }

    private async Task<PostgresDatabase> Connect()
    {
        var database = await PostgresDatabase.OpenAsync(_connectionString);
        _opened.Add(database);
        return database;
    }

    [Fact]
    public async Task OpenAsync_FourNodesAtOnce_CreateTheSchemaOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => Task.Run(() => Open(lease: Node("n" + i.ToString(CultureInfo.InvariantCulture))))));

        foreach (var (store, i) in stores.Select((s, i) => (s, i))) await store.BookAsync(Booking("k" + i.ToString(CultureInfo.InvariantCulture), minute: i));
        Assert.Equal(4, (await stores[0].ListPendingAsync()).Count);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT id FROM migrations ORDER BY id", connection);
        var applied = new List<string>();
        await using (var reader = await count.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) applied.Add(reader.GetString(0));
        }
        Assert.Equal(["callbacks-001"], applied);
    }

    [Fact]
    public async Task OpenAsync_NothingListensOnThePort_OneLineNamingHostPortAndWhy_NeverThePassword()
    {
        var closed = PostgresServer.FreeTcpPort();

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync(
            $"Host=127.0.0.1;Port={closed.ToString(CultureInfo.InvariantCulture)};Username=ivr;Password=hunter2-secret;Database=ivr"));

        Assert.StartsWith($"PostgreSQL 127.0.0.1:{closed.ToString(CultureInfo.InvariantCulture)}: connection refused", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task OpenAsync_ADatabaseThatDoesNotExist_OrAMalformedString_IsNamed()
    {
        var missing = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync(server.ConnectionString("nope") + ";Password=hunter2-secret"));
        var malformed = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync("Host=127.0.0.1;Port=notaport;Password=hunter2-secret"));
        var none = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresDatabase.OpenAsync(" "));

        Assert.Equal($"PostgreSQL 127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}: database \"nope\" does not exist (3D000)", missing.Message);
        Assert.StartsWith("PostgreSQL: Storage:ConnectionString is malformed", malformed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", malformed.Message, StringComparison.Ordinal);
        Assert.Contains("set Storage:ConnectionString", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookAsync_WhileTheServerIsDown_Fails_ThenWorksOnTheSameStoreOnceItIsBack()
    {
        var store = await Open();
        Assert.True((await store.BookAsync(Booking("before"))).Created);

        await server.StopAsync();
        try
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.BookAsync(Booking("during", minute: 1)));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.BookAsync(Booking("during", minute: 1)));
        }
        finally
        {
            await server.StartAsync();
        }

        var after = await store.BookAsync(Booking("after", minute: 2));
        Assert.True(after.Created);
        Assert.Equal(["before", "after"], (await store.ListPendingAsync()).Select(c => c.IdempotencyKey));
    }

    [Fact]
    public async Task BookAsync_TheServerRestartedBetweenTwoBookings_TheSecondStillWorksAfterOneRefusal()
    {
        // Idle pooled connections do not notice a restart until used: the first statement on one fails, the pool is
        // cleared, and the next statement opens a fresh connection.
        var store = await Open();
        await store.BookAsync(Booking("before"));
        await server.StopAsync();
        await server.StartAsync();

        var refusals = 0;
        CallbackBookResult? after = null;
        for (var attempt = 0; attempt < 3 && after is null; attempt++)
        {
            try
            {
                after = await store.BookAsync(Booking("after", minute: 1));
            }
            catch (NpgsqlException)
            {
                refusals++;
            }
        }

        Assert.NotNull(after);
        Assert.InRange(refusals, 0, 1);
    }
}

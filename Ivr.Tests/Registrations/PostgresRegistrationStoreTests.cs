using Ivr.Engine.Registrations;
using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Sip.Registrar;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Registrations;

/// <summary>The registration store contract on a real PostgreSQL server (a fresh database per test).</summary>
public sealed class PostgresRegistrationStoreTests(PostgresServer server) : RegistrationStoreContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _opened = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
    }

    protected override async Task<IRegistrationStore> Open()
    {
        var database = await PostgresDatabase.OpenAsync(_connectionString);
        _opened.Add(database);
        return await PostgresRegistrationStore.OpenAsync(database, T0);
    }

    [Fact]
    public async Task ConfiguredStore_ServerUnreachable_ThrowsARegistrationStoreErrorNamingIt()
    {
        await using var store = new ConfiguredRegistrationStore(Path.GetTempPath(), TimeProvider.System, "postgres",
            "Host=127.0.0.1;Port=1;Database=ivr;Username=ivr;Timeout=2");

        var error = await Assert.ThrowsAsync<RegistrationStoreException>(() => store.LiveAsync(T0));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}

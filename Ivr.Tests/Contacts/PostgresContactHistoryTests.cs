using Ivr.Engine.Contacts;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Contacts;

/// <summary>The contact history contract on a real PostgreSQL server (a fresh database per test).</summary>
public sealed class PostgresContactHistoryTests(PostgresServer server) : ContactHistoryContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _opened = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
    }

    protected override async Task<IContactHistory> Open()
    {
        var database = await PostgresDatabase.OpenAsync(_connectionString);
        _opened.Add(database);
        return await PostgresContactHistory.OpenAsync(database, T0);
    }
}

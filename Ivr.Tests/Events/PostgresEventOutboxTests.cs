using Ivr.Engine.Events;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Events;

/// <summary>The outbox contract on a real PostgreSQL server (a fresh database per test).</summary>
public sealed class PostgresEventOutboxTests(PostgresServer server) : EventOutboxContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _opened = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
    }

    protected override async Task<IEventOutbox> Open()
    {
        var database = await PostgresDatabase.OpenAsync(_connectionString);
        _opened.Add(database);
        return await PostgresEventOutbox.OpenAsync(database, T0);
    }
}

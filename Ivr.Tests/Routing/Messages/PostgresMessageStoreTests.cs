using Ivr.Engine.Routing.Messages;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Routing.Messages;

/// <summary>The message store contract on a real PostgreSQL server (a fresh database per test).</summary>
public sealed class PostgresMessageStoreTests(PostgresServer server) : MessageStoreContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-pg-messages-").FullName;
    private readonly List<PostgresDatabase> _opened = [];
    private string _connectionString = "";

    protected override string Folder => Path.Combine(_folder, "messages");

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    protected override async Task<IMessageStore> Open()
    {
        var database = await PostgresDatabase.OpenAsync(_connectionString);
        _opened.Add(database);
        return await PostgresMessageStore.OpenAsync(database, T0, Folder);
    }

    // Each store has its own pool: nothing to forget.
    protected override void Crash()
    {
    }
}

using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Surveys;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Surveys;

/// <summary>The survey store contract on a real PostgreSQL server (a fresh database per test).</summary>
public sealed class PostgresSurveyStoreTests(PostgresServer server) : SurveyStoreContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _opened = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
    }

    protected override async Task<ISurveyStore> Open()
    {
        var database = await PostgresDatabase.OpenAsync(_connectionString);
        _opened.Add(database);
        return await PostgresSurveyStore.OpenAsync(database, T0);
    }
}

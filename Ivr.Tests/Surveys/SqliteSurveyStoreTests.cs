using Ivr.Engine.Surveys;
using Ivr.Tests.Routing.Callbacks;

namespace Ivr.Tests.Surveys;

/// <summary>The survey store contract on SQLite (a file in a temp folder).</summary>
public sealed class SqliteSurveyStoreTests : SurveyStoreContract, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override async Task<ISurveyStore> Open() => await SqliteSurveyStore.OpenAsync(_db.Database, T0);
}

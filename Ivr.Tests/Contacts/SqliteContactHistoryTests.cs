using Ivr.Engine.Contacts;
using Ivr.Tests.Routing.Callbacks;

namespace Ivr.Tests.Contacts;

/// <summary>The contact history contract on SQLite (a file in a temp folder).</summary>
public sealed class SqliteContactHistoryTests : ContactHistoryContract, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override async Task<IContactHistory> Open() => await SqliteContactHistory.OpenAsync(_db.Database, T0);
}

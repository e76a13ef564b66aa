using Ivr.Engine.Events;
using Ivr.Tests.Routing.Callbacks;

namespace Ivr.Tests.Events;

/// <summary>The outbox contract on SQLite (a file in a temp folder).</summary>
public sealed class SqliteEventOutboxTests : EventOutboxContract, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override async Task<IEventOutbox> Open() => await SqliteEventOutbox.OpenAsync(_db.Database, T0);
}

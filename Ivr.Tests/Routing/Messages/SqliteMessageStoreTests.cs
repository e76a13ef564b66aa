using Ivr.Engine.Routing.Messages;
using Ivr.Tests.Routing.Callbacks;
using Microsoft.Data.Sqlite;

namespace Ivr.Tests.Routing.Messages;

/// <summary>The message store contract on SQLite, plus the WAV path check.</summary>
public sealed class SqliteMessageStoreTests : MessageStoreContract, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override string Folder => Path.Combine(_db.Folder, "data", "messages");

    protected override async Task<IMessageStore> Open() => await SqliteMessageStore.OpenAsync(_db.Database, T0, Folder);

    protected override void Crash() => SqliteConnection.ClearAllPools();

    [Fact]
    public async Task WavPathFor_AnIdWithAPath_IsRefused()
    {
        var store = await SqliteMessageStore.OpenAsync(_db.Database, T0, Folder);

        Assert.Equal(Path.Combine(Folder, "m1.wav"), store.WavPathFor("m1"));
        Assert.Throws<ArgumentException>(() => store.WavPathFor("../etc/passwd"));
    }
}

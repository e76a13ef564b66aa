using Ivr.Engine.Routing.Messages;
using Ivr.Tests.Routing.Callbacks;
using Microsoft.Data.Sqlite;

namespace Ivr.Tests.Routing.Messages;

public sealed class SqliteMessageStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task SaveAsync_ThenReopen_ListsNewestFirstAndGets()
    {
        var folder = Path.Combine(_db.Folder, "data", "messages");
        var store = await SqliteMessageStore.OpenAsync(_db.Database, T0, folder);
        await store.SaveAsync(new MessageRecord("m1", "billing", "+33612345678", T0, TimeSpan.FromSeconds(12.5), "data/messages/m1.wav"));
        await store.SaveAsync(new MessageRecord("m2", "support", null, T0.AddMinutes(1), TimeSpan.FromSeconds(3), "data/messages/m2.wav"));
        await store.SaveAsync(new MessageRecord("m1", "billing", "+0", T0, TimeSpan.Zero, "other.wav"));

        SqliteConnection.ClearAllPools();
        var reopened = await SqliteMessageStore.OpenAsync(_db.Database, T0, folder);

        Assert.Equal(["m2", "m1"], (await reopened.ListAsync()).Select(m => m.Id));
        Assert.Equal(["m1"], (await reopened.ListAsync("billing")).Select(m => m.Id));
        var m1 = await reopened.GetAsync("m1");
        Assert.Equal(new MessageRecord("m1", "billing", "+33612345678", T0, TimeSpan.FromSeconds(12.5), "data/messages/m1.wav"), m1);
        Assert.Null(await reopened.GetAsync("nope"));
        Assert.True(Directory.Exists(folder));
        Assert.Equal(Path.Combine(folder, "m1.wav"), reopened.WavPathFor("m1"));
        Assert.Throws<ArgumentException>(() => reopened.WavPathFor("../etc/passwd"));
    }
}

using Ivr.Engine.Registrations;
using Ivr.Engine.Sip.Registrar;
using Ivr.Tests.Routing.Callbacks;

namespace Ivr.Tests.Registrations;

/// <summary>The registration store contract on SQLite (a file in a temp folder).</summary>
public sealed class SqliteRegistrationStoreTests : RegistrationStoreContract, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override async Task<IRegistrationStore> Open() => await SqliteRegistrationStore.OpenAsync(_db.Database, T0);

    [Fact]
    public async Task ConfiguredStore_OnAFolderItCannotWrite_ThrowsARegistrationStoreError_ThenWorksOnceItCan()
    {
        // ivr.db is a folder: SQLite cannot open it; the store says so and opens at the next use once it is fixed.
        var folder = Path.Combine(_db.Folder, "blocked");
        Directory.CreateDirectory(Path.Combine(folder, "ivr.db"));
        var store = new ConfiguredRegistrationStore(folder, TimeProvider.System);

        var error = await Assert.ThrowsAsync<RegistrationStoreException>(() => store.LiveAsync(T0));
        Directory.Delete(Path.Combine(folder, "ivr.db"));
        var live = await store.LiveAsync(T0);

        Assert.Contains("ivr.db", error.Message, StringComparison.Ordinal);
        Assert.Empty(live);
    }
}

using Ivr.Engine.Contacts;
using Ivr.Engine.Routing.Storage;

namespace Ivr.Engine.Events;

/// <summary>
/// The event outbox and the contact history, in the same store as the callbacks: the SQLite file <c>ivr.db</c> of the data
/// folder (default) or the PostgreSQL database of <c>Storage:ConnectionString</c>. Opened on first use; an open that failed
/// (database down) is tried again at the next use.
/// </summary>
public sealed class EventStores : IAsyncDisposable
{
    private readonly Func<Task<(IEventOutbox, IContactHistory, PostgresDatabase?)>> _opener;
    private readonly Lock _gate = new();
    private Task<(IEventOutbox, IContactHistory, PostgresDatabase?)>? _open;

    /// <summary>Describes the stores: <paramref name="provider"/> <c>sqlite</c> (in <paramref name="dataFolder"/>) or <c>postgres</c>.</summary>
    public EventStores(string dataFolder, TimeProvider time, string provider = "sqlite", string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(time);
        _opener = async () =>
        {
            var now = time.GetUtcNow();
            if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase))
            {
                var shared = await PostgresDatabase.OpenAsync(connectionString).ConfigureAwait(false);
                try
                {
                    IEventOutbox outbox = await PostgresEventOutbox.OpenAsync(shared, now).ConfigureAwait(false);
                    IContactHistory contacts = await PostgresContactHistory.OpenAsync(shared, now).ConfigureAwait(false);
                    return (outbox, contacts, shared);
                }
                catch
                {
                    await shared.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            Directory.CreateDirectory(dataFolder);
            var database = new SqliteDatabase(Path.Combine(dataFolder, "ivr.db"));
            IEventOutbox sqliteOutbox = await SqliteEventOutbox.OpenAsync(database, now).ConfigureAwait(false);
            IContactHistory sqliteContacts = await SqliteContactHistory.OpenAsync(database, now).ConfigureAwait(false);
            return (sqliteOutbox, sqliteContacts, null);
        };
    }

    /// <summary>The outbox.</summary>
    public async Task<IEventOutbox> OutboxAsync() => (await Opened().ConfigureAwait(false)).Item1;

    /// <summary>The contact history.</summary>
    public async Task<IContactHistory> ContactsAsync() => (await Opened().ConfigureAwait(false)).Item2;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task<(IEventOutbox, IContactHistory, PostgresDatabase?)>? open;
        lock (_gate) open = _open;
        if (open is not { IsCompletedSuccessfully: true }) return;
        if ((await open.ConfigureAwait(false)).Item3 is { } shared) await shared.DisposeAsync().ConfigureAwait(false);
    }

    private Task<(IEventOutbox, IContactHistory, PostgresDatabase?)> Opened()
    {
        lock (_gate)
        {
            if (_open is null || _open.IsFaulted || _open.IsCanceled) _open = _opener();
            return _open;
        }
    }
}

using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Messages;
using Ivr.Engine.Routing.Storage;

namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The router's durable stores, opened once and shared with the HTTP API: SQLite <c>data/ivr.db</c> (the default, one
/// node) or a PostgreSQL database shared by a cluster's nodes; message WAVs under <c>data/messages/</c> either way.
/// </summary>
public sealed class RoutingStores : IAsyncDisposable
{
    /// <summary>The provider for one node's SQLite file.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The provider for a PostgreSQL database.</summary>
    public const string Postgres = "postgres";

    private readonly Func<Task<(ICallbackStore, IMessageStore, PostgresDatabase?)>> _opener;

    private readonly Lock _gate = new();

    // The open in progress or done; a failed one is forgotten, so the next use tries again (a database briefly down).
    private Task<(ICallbackStore, IMessageStore, PostgresDatabase?)>? _open;

    /// <summary>
    /// Opens the stores on first use: in <paramref name="dataFolder"/> with SQLite, or on <paramref name="connectionString"/>
    /// when <paramref name="provider"/> is <c>postgres</c>; leases as <paramref name="lease"/> says (default: this machine, 60 s).
    /// </summary>
    public RoutingStores(
        string dataFolder, TimeProvider time, CallbackRetryPolicy retry, string provider = Sqlite, string? connectionString = null,
        CallbackLeaseOptions? lease = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        DataFolder = dataFolder;
        Retry = retry;
        Lease = lease ?? CallbackLeaseOptions.Default;
        Provider = provider;
        var messagesFolder = Path.Combine(dataFolder, "messages");
        _opener = async () =>
        {
            var now = time.GetUtcNow();
            if (string.Equals(provider, Postgres, StringComparison.OrdinalIgnoreCase))
            {
                var shared = await PostgresDatabase.OpenAsync(connectionString).ConfigureAwait(false);
                try
                {
                    ICallbackStore pgCallbacks = await PostgresCallbackStore.OpenAsync(shared, now, retry, Lease).ConfigureAwait(false);
                    IMessageStore pgMessages = await PostgresMessageStore.OpenAsync(shared, now, messagesFolder).ConfigureAwait(false);
                    return (pgCallbacks, pgMessages, shared);
                }
                catch (Npgsql.NpgsqlException ex)
                {
                    await shared.DisposeAsync().ConfigureAwait(false);
                    throw new StorageUnavailableException($"PostgreSQL {shared.Endpoint}: creating the schema failed: {ex.Message}", ex);
                }
            }
            if (!string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase))
                throw new StorageUnavailableException($"Storage:Provider '{provider}' is neither {Sqlite} nor {Postgres}");
            Directory.CreateDirectory(dataFolder);
            var database = new SqliteDatabase(Path.Combine(dataFolder, "ivr.db"));
            ICallbackStore callbacks = await SqliteCallbackStore.OpenAsync(database, now, retry, Lease).ConfigureAwait(false);
            IMessageStore messages = await SqliteMessageStore.OpenAsync(database, now, messagesFolder).ConfigureAwait(false);
            return (callbacks, messages, null);
        };
    }

    private Task<(ICallbackStore, IMessageStore, PostgresDatabase?)> Opened()
    {
        lock (_gate)
        {
            if (_open is null || _open.IsFaulted || _open.IsCanceled) _open = _opener();
            return _open;
        }
    }

    /// <summary>The callbacks' retry policy (attempts, back-off, when an interrupted conversation counts as served).</summary>
    public CallbackRetryPolicy Retry { get; }

    /// <summary>Who this node's leases name and how long they last.</summary>
    public CallbackLeaseOptions Lease { get; }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Provider { get; }

    /// <summary>The data folder.</summary>
    public string DataFolder { get; }

    /// <summary>Opens the stores now (if not yet), so that a database that cannot be used stops the start with one clear reason.</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached or set up.</exception>
    public Task OpenAsync() => Opened();

    /// <summary>The callback store.</summary>
    public async Task<ICallbackStore> CallbacksAsync() => (await Opened().ConfigureAwait(false)).Item1;

    /// <summary>The message store.</summary>
    public async Task<IMessageStore> MessagesAsync() => (await Opened().ConfigureAwait(false)).Item2;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task<(ICallbackStore, IMessageStore, PostgresDatabase?)>? open;
        lock (_gate) open = _open;
        if (open is not { IsCompletedSuccessfully: true }) return;
        if ((await open.ConfigureAwait(false)).Item3 is { } shared) await shared.DisposeAsync().ConfigureAwait(false);
    }
}

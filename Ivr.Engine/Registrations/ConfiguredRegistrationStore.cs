using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Sip.Registrar;

namespace Ivr.Engine.Registrations;

/// <summary>
/// The registration store of <c>Storage:Provider</c>: the SQLite file <c>ivr.db</c> of the data folder (default) or the
/// PostgreSQL database of <c>Storage:ConnectionString</c>. Opened on first use; an open that failed (database down) is
/// tried again at the next use, so the registrar answers 500 meanwhile and recovers by itself.
/// </summary>
public sealed class ConfiguredRegistrationStore : IRegistrationStore, IAsyncDisposable
{
    private readonly Func<Task<(IRegistrationStore, PostgresDatabase?)>> _opener;
    private readonly Lock _gate = new();
    private Task<(IRegistrationStore, PostgresDatabase?)>? _open;

    /// <summary>Describes the store: <paramref name="provider"/> <c>sqlite</c> (in <paramref name="dataFolder"/>) or <c>postgres</c>.</summary>
    public ConfiguredRegistrationStore(string dataFolder, TimeProvider time, string provider = "sqlite", string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(time);
        Description = string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase) ? "PostgreSQL" : "SQLite " + Path.Combine(dataFolder, "ivr.db");
        _opener = async () =>
        {
            var now = time.GetUtcNow();
            if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase))
            {
                PostgresDatabase shared;
                try
                {
                    shared = await PostgresDatabase.OpenAsync(connectionString).ConfigureAwait(false);
                }
                catch (StorageUnavailableException ex)
                {
                    throw new RegistrationStoreException(ex.Message, ex);
                }
                try
                {
                    return (await PostgresRegistrationStore.OpenAsync(shared, now).ConfigureAwait(false), shared);
                }
                catch
                {
                    await shared.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            if (!string.Equals(provider, "sqlite", StringComparison.OrdinalIgnoreCase))
                throw new RegistrationStoreException($"Storage:Provider '{provider}' is neither sqlite nor postgres");
            try
            {
                Directory.CreateDirectory(dataFolder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new RegistrationStoreException($"SQLite: cannot create the data folder {dataFolder}: {ex.Message}", ex);
            }
            return (await SqliteRegistrationStore.OpenAsync(new SqliteDatabase(Path.Combine(dataFolder, "ivr.db")), now).ConfigureAwait(false), null);
        };
    }

    /// <summary>Which database this is, for the log.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRegistration>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await (await Opened().ConfigureAwait(false)).LiveAsync(now, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRegistration>> FindAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await (await Opened().ConfigureAwait(false)).FindAsync(agentId, now, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task ReplaceAsync(string agentId, string user, IReadOnlyList<RegistrationBinding> bindings, CancellationToken cancellationToken = default) =>
        await (await Opened().ConfigureAwait(false)).ReplaceAsync(agentId, user, bindings, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await (await Opened().ConfigureAwait(false)).RemoveExpiredAsync(now, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task<(IRegistrationStore, PostgresDatabase?)>? open;
        lock (_gate) open = _open;
        if (open is not { IsCompletedSuccessfully: true }) return;
        if ((await open.ConfigureAwait(false)).Item2 is { } shared) await shared.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IRegistrationStore> Opened()
    {
        Task<(IRegistrationStore, PostgresDatabase?)> open;
        lock (_gate)
        {
            if (_open is null || _open.IsFaulted || _open.IsCanceled) _open = _opener();
            open = _open;
        }
        return (await open.ConfigureAwait(false)).Item1;
    }
}

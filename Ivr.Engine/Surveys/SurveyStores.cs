using Ivr.Engine.Routing.Storage;

namespace Ivr.Engine.Surveys;

/// <summary>
/// The survey store, in the same database as the callbacks: the SQLite file <c>ivr.db</c> of the data folder (default) or
/// the PostgreSQL database of <c>Storage:ConnectionString</c>. Opened on first use; an open that failed (database down) is
/// tried again at the next use.
/// </summary>
public sealed class SurveyStores : IAsyncDisposable
{
    private readonly Func<Task<(ISurveyStore, PostgresDatabase?)>> _opener;
    private readonly Lock _gate = new();
    private Task<(ISurveyStore, PostgresDatabase?)>? _open;

    /// <summary>Describes the store: <paramref name="provider"/> <c>sqlite</c> (in <paramref name="dataFolder"/>) or <c>postgres</c>.</summary>
    public SurveyStores(string dataFolder, TimeProvider time, string provider = "sqlite", string? connectionString = null)
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
                    return (await PostgresSurveyStore.OpenAsync(shared, now).ConfigureAwait(false), shared);
                }
                catch
                {
                    await shared.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            Directory.CreateDirectory(dataFolder);
            var database = new SqliteDatabase(Path.Combine(dataFolder, "ivr.db"));
            return (await SqliteSurveyStore.OpenAsync(database, now).ConfigureAwait(false), null);
        };
    }

    /// <summary>The store (opened on first use).</summary>
    public async Task<ISurveyStore> StoreAsync() => (await Opened().ConfigureAwait(false)).Item1;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task<(ISurveyStore, PostgresDatabase?)>? open;
        lock (_gate) open = _open;
        if (open is not { IsCompletedSuccessfully: true }) return;
        if ((await open.ConfigureAwait(false)).Item2 is { } shared) await shared.DisposeAsync().ConfigureAwait(false);
    }

    private Task<(ISurveyStore, PostgresDatabase?)> Opened()
    {
        lock (_gate)
        {
            if (_open is null || _open.IsFaulted || _open.IsCanceled) _open = _opener();
            return _open;
        }
    }
}

using Ivr.Flows.Catalog;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Flows;

/// <summary>
/// The flows a running engine answers calls with: the folder's <see cref="FlowCatalog"/> (lint-gated, atomic swaps, a bad
/// version refused while the old one stays live) kept current by a <see cref="FlowCatalogWatcher"/>.
/// </summary>
public sealed class LiveFlows : IDisposable
{
    private readonly FlowCatalogWatcher _watcher;

    /// <summary>Loads <paramref name="folder"/> now; call <see cref="Watch"/> to follow later edits.</summary>
    public LiveFlows(string folder, string? soundsRoot, TimeProvider time, ILoggerFactory loggers)
    {
        Catalog = new FlowCatalog(folder, soundsRoot, time);
        _watcher = new FlowCatalogWatcher(Catalog, time, loggers.CreateLogger<FlowCatalogWatcher>());
        _watcher.ReloadNow();
    }

    /// <summary>The catalog behind the engine.</summary>
    public FlowCatalog Catalog { get; }

    /// <summary>Ids of the live flows.</summary>
    public IReadOnlyCollection<string> Ids => Catalog.Current.Flows.Keys.ToArray();

    /// <summary>Raised after every reload (a file saved in the folder), with what went live, went away or was refused.</summary>
    public event Action<CatalogReloadReport>? Reloaded
    {
        add => _watcher.Reloaded += value;
        remove => _watcher.Reloaded -= value;
    }

    /// <summary>The current compiled flow with <paramref name="id"/>, or null (calls find theirs through <c>Calls.FlowLookup</c>).</summary>
    public CompiledFlow? Find(string id) => Catalog.TryGet(id, out var flow) ? flow : null;

    /// <summary>Reloads now (tests, an admin action); the watcher does the same on file changes.</summary>
    public void Reload() => _watcher.ReloadNow();

    /// <summary>Starts watching the folder: a valid saved version goes live for new calls.</summary>
    public void Watch() => _watcher.Start();

    /// <summary>Stops watching.</summary>
    public void Dispose() => _watcher.Dispose();
}

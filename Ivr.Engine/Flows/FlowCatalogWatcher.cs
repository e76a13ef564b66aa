using Ivr.Flows.Catalog;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Flows;

/// <summary>
/// Hot reload: watches the catalog's folder and, once the files have been quiet for the debounce delay (250 ms by
/// default), calls <see cref="FlowCatalog.Reload"/> and logs what went live, what went away and what was refused (one log
/// line per diagnostic, the same lines <c>flow validate</c> prints). A refused file never takes its live version down.
/// </summary>
public sealed class FlowCatalogWatcher : IDisposable
{
    /// <summary>The default quiet time before a reload: editors write a file in several steps.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(250);

    private readonly FlowCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger<FlowCatalogWatcher> _logger;
    private readonly TimeSpan _debounce;
    private readonly object _lock = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>A watcher over <paramref name="catalog"/>'s folder; nothing is watched until <see cref="Start"/>.</summary>
    public FlowCatalogWatcher(FlowCatalog catalog, TimeProvider time, ILogger<FlowCatalogWatcher> logger, TimeSpan? debounce = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _catalog = catalog;
        _time = time;
        _logger = logger;
        _debounce = debounce ?? DefaultDebounce;
    }

    /// <summary>Raised after each reload the watcher performs, with what it changed.</summary>
    public event Action<CatalogReloadReport>? Reloaded;

    /// <summary>Starts watching <c>*.json</c> files of the folder (created, changed, renamed, deleted).</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watcher is not null) return;
            var watcher = new FileSystemWatcher(_catalog.Folder, "*.json")
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            // A lost event (buffer overflow) is made good by a full reload.
            watcher.Error += (_, _) => Schedule();
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        _logger.LogInformation("Watching {Folder} for flow changes", _catalog.Folder);
    }

    /// <summary>Asks for a reload once the folder has been quiet for the debounce delay; each call restarts the delay.</summary>
    internal void Schedule()
    {
        lock (_lock)
        {
            if (_disposed) return;
            if (_timer is null) _timer = _time.CreateTimer(_ => OnQuiet(), null, _debounce, Timeout.InfiniteTimeSpan);
            else _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _watcher?.Dispose();
            _timer?.Dispose();
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (e.Name is { } name && name.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase) && e is not RenamedEventArgs) return;
        Schedule();
    }

    private void OnQuiet()
    {
        lock (_lock)
        {
            if (_disposed) return;
        }
        ReloadNow();
    }

    /// <summary>Reloads the folder now (the engine's first load goes through here), logs what changed and raises <see cref="Reloaded"/>.</summary>
    public void ReloadNow()
    {
        CatalogReloadReport report;
        try
        {
            report = _catalog.Reload();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "Reloading the flows of {Folder} failed; the live flows are unchanged", _catalog.Folder);
            return;
        }
        Log(report);
        Reloaded?.Invoke(report);
    }

    private void Log(CatalogReloadReport report)
    {
        var flows = _catalog.Current.Flows;
        foreach (var id in report.Added) _logger.LogInformation("Flow {FlowId} added: version {Version} from {File}", id, flows[id].Flow.Version, flows[id].File);
        foreach (var id in report.Updated) _logger.LogInformation("Flow {FlowId} updated: version {Version} is live", id, flows[id].Flow.Version);
        foreach (var id in report.Removed) _logger.LogInformation("Flow {FlowId} removed", id);
        foreach (var refusal in report.Refused)
        {
            var live = refusal.FlowId is { } id && flows.TryGetValue(id, out var entry) ? $"version {entry.Flow.Version} stays live" : "no version is live";
            _logger.LogWarning("Flow file {File} refused ({Live})", refusal.File, live);
            foreach (var d in refusal.Diagnostics) _logger.LogWarning("{Diagnostic}", d.ToString());
        }
    }
}

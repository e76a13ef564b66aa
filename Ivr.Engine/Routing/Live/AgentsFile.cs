using Ivr.Engine.Routing.Configuration;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Schema;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The live <c>agents.json</c>: loaded and validated against <c>agents.schema.json</c> at start, reloaded when the file is
/// saved (an invalid version is refused with its diagnostics and the previous one stays live), and replaced over HTTP
/// (validated first, then written atomically). Each accepted version is handed to <see cref="Changed"/>.
/// </summary>
public sealed class AgentsFile : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly JsonSchemaValidator? _schema;
    private FileSystemWatcher? _watcher;
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>Describes the file at <paramref name="path"/> with its schema at <paramref name="schemaPath"/>; nothing is read yet.</summary>
    public AgentsFile(string path, string schemaPath, TimeProvider time, ILogger<AgentsFile> log)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        Path = System.IO.Path.GetFullPath(path);
        SchemaPath = System.IO.Path.GetFullPath(schemaPath);
        _time = time;
        _log = log;
        if (File.Exists(SchemaPath)) _schema = AgentsConfigLoader.CompileSchema(File.ReadAllBytes(SchemaPath), SchemaPath);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The schema it is validated against.</summary>
    public string SchemaPath { get; }

    /// <summary>Raised (on a timer thread) with each new valid version saved to the file.</summary>
    public event Action<AgentsConfig>? Changed;

    /// <summary>The last configuration loaded (by <see cref="Load"/> or a reload), or null before one was.</summary>
    public AgentsConfig? Current { get; private set; }

    /// <summary>Loads the file now; null (and the diagnostics logged) when it is missing or invalid.</summary>
    public AgentsConfig? Load()
    {
        var result = _schema is null
            ? AgentsConfigLoader.LoadFile(Path, SchemaPath)
            : File.Exists(Path)
                ? AgentsConfigLoader.Load(File.ReadAllBytes(Path), Path, _schema)
                : AgentsConfigLoader.LoadFile(Path, SchemaPath);
        foreach (var d in result.Diagnostics) _log.LogWarning("{Diagnostic}", d.ToString());
        if (result.Config is null) _log.LogError("The agents file {Path} is refused; see the diagnostics above", Path);
        else Current = result.Config;
        return result.Config;
    }

    /// <summary>Validates <paramref name="utf8"/> as an agents file (reported as <paramref name="name"/>) without touching the file.</summary>
    public AgentsConfigLoadResult Validate(ReadOnlySpan<byte> utf8, string name)
    {
        if (_schema is null)
            return new(null, [new Diagnostic(AgentsConfigLoader.SchemaMissing, Severity.Error, name, 0, 0, "", $"The schema {SchemaPath} is missing.")]);
        return AgentsConfigLoader.Load(utf8, name, _schema);
    }

    /// <summary>Writes a validated document to the file atomically (temporary file, then rename).</summary>
    public void Write(ReadOnlySpan<byte> utf8)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(folder);
        var temporary = System.IO.Path.Combine(folder, "." + System.IO.Path.GetFileName(Path) + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(utf8);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Starts watching the file for saves.</summary>
    public void Watch()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watcher is not null || System.IO.Path.GetDirectoryName(Path) is not { } folder || !Directory.Exists(folder)) return;
            var watcher = new FileSystemWatcher(folder, System.IO.Path.GetFileName(Path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Schedule();
            watcher.Created += (_, _) => Schedule();
            watcher.Renamed += (_, _) => Schedule();
            watcher.Error += (_, _) => Schedule();
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        _log.LogInformation("Watching {Path} for agent changes", Path);
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _watcher?.Dispose();
            _timer?.Dispose();
        }
    }

    private void Schedule()
    {
        lock (_gate)
        {
            if (_disposed) return;
            if (_timer is null) _timer = _time.CreateTimer(_ => Reload(), null, Debounce, Timeout.InfiniteTimeSpan);
            else _timer.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void Reload()
    {
        lock (_gate)
        {
            if (_disposed) return;
        }
        AgentsConfig? config;
        try
        {
            config = Load();
        }
        catch (IOException ex)
        {
            _log.LogWarning(ex, "Reading {Path} failed; the live agents are unchanged", Path);
            return;
        }
        if (config is null)
        {
            _log.LogWarning("The live agents are unchanged");
            return;
        }
        Changed?.Invoke(config);
    }
}

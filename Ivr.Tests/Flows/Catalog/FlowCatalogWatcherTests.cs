using System.Collections.Concurrent;
using Ivr.Engine.Flows;
using Ivr.Flows.Catalog;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Flows.Catalog;

public sealed class FlowCatalogWatcherTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly CatalogFolder _folder = new();
    private readonly ListLogger _logger = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EditingAFile_SwapsTheNewVersionIn()
    {
        var catalog = new FlowCatalog(_folder.Path, RepoPaths.Sounds, TimeProvider.System);
        catalog.Reload();
        using var watcher = new FlowCatalogWatcher(catalog, TimeProvider.System, _logger);
        var swapped = new TaskCompletionSource<CatalogReloadReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += r =>
        {
            if (r.Updated.Contains("hotline")) swapped.TrySetResult(r);
        };
        watcher.Start();

        _folder.Edit("hotline.json", "\"version\": \"1.0.0\"", "\"version\": \"1.1.0\"");
        await swapped.Task.WaitAsync(Bound);

        Assert.True(catalog.TryGet("hotline", out var live));
        Assert.Equal("1.1.0", live.Version);
        Assert.Contains(_logger.Lines, l => l.Contains("Flow hotline updated: version 1.1.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SavingAnInvalidFile_LogsEachDiagnostic_AndKeepsTheLiveVersion()
    {
        var catalog = new FlowCatalog(_folder.Path, RepoPaths.Sounds, TimeProvider.System);
        catalog.Reload();
        catalog.TryGet("hotline", out var v1);
        using var watcher = new FlowCatalogWatcher(catalog, TimeProvider.System, _logger);
        var refused = new TaskCompletionSource<CatalogReloadReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += r =>
        {
            if (r.Refused.Count > 0) refused.TrySetResult(r);
        };
        watcher.Start();

        _folder.Edit("hotline.json", "\"next\": \"choose_language\"", "\"next\": \"choose_langage\"");
        await refused.Task.WaitAsync(Bound);

        Assert.True(catalog.TryGet("hotline", out var live));
        Assert.Same(v1, live);
        Assert.Contains(_logger.Lines, l => l.Contains("refused (version 1.0.0 stays live)", StringComparison.Ordinal));
        Assert.Contains(_logger.Lines, l => l.Contains("error IVR201", StringComparison.Ordinal) && l.Contains("/steps/welcome/next", StringComparison.Ordinal));
    }

    [Fact]
    public void Schedule_IsDebounced_OneReloadAfterTheFolderIsQuiet()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var catalog = new FlowCatalog(_folder.Path, RepoPaths.Sounds, time);
        using var watcher = new FlowCatalogWatcher(catalog, time, _logger);
        var reloads = 0;
        watcher.Reloaded += _ => reloads++;

        watcher.Schedule();
        time.Advance(TimeSpan.FromMilliseconds(200));
        watcher.Schedule();
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, reloads);

        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, reloads);
        Assert.True(catalog.TryGet("hotline", out _));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, reloads);
    }

    private sealed class ListLogger : ILogger<FlowCatalogWatcher>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));
    }
}

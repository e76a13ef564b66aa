using System.Threading.Channels;
using Ivr.Engine.Calls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Surveys;

/// <summary>
/// Stores the survey of every call that was offered one (answered or not), with its path, when the call ends: it watches
/// the call board (<see cref="ICallBoardObserver"/>), and writes on its own loop, so no call ever waits for the store. A
/// store that refuses a row (database down) keeps it in memory and tries again every <see cref="RetryInterval"/>; the
/// failure is logged once and counted (<c>ivr.surveys.write_failed</c>). The caller has been thanked long before.
/// </summary>
public sealed class SurveyRecorder : ICallBoardObserver, IHostedService, IAsyncDisposable
{
    /// <summary>How long the loop waits before trying a refused row again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private readonly Channel<SurveyRecord> _closed = Channel.CreateUnbounded<SurveyRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<SurveyRecord> _unwritten = [];
    private readonly Func<Task<ISurveyStore>> _store;
    private readonly SurveysOptions _options;
    private readonly SurveyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _down;
    private int _disposed;

    /// <summary>Watches <paramref name="board"/> and writes to the store <paramref name="store"/> opens.</summary>
    public SurveyRecorder(CallBoard board, Func<Task<ISurveyStore>> store, SurveysOptions options, SurveyMetrics metrics, TimeProvider time, ILogger<SurveyRecorder> log)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _store = store;
        _options = options;
        _metrics = metrics;
        _time = time;
        _log = log;
        board.Subscribe(this);
    }

    /// <summary>The record a call's survey is stored as, or null when the call was offered none.</summary>
    public static SurveyRecord? RecordOf(CallTimeline timeline, TimeSpan noWait)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        if (timeline.Survey is not { } survey) return null;
        var summary = timeline.Summary;
        var path = SurveyPaths.Categorise(survey.Callback, survey.LeftMessage, survey.Waited, noWait);
        return new SurveyRecord(
            summary.CallId,
            (survey.Callback ? summary.To : summary.From)?.Trim() ?? string.Empty,
            survey.OfferedAt,
            survey.Flow,
            survey.Step,
            path,
            survey.Skill ?? summary.Skill,
            survey.Agent,
            survey.Waited?.TotalSeconds,
            survey.Scores.Count > 0 ? survey.Scores[0] : null,
            survey.Scores.Count > 1 ? survey.Scores[1] : null);
    }

    /// <inheritdoc />
    public void Opened(CallTimeline timeline)
    {
    }

    /// <inheritdoc />
    public void Closed(CallTimeline timeline)
    {
        if (RecordOf(timeline, TimeSpan.FromSeconds(_options.NoWaitSeconds)) is { } record) _closed.Writer.TryWrite(record);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is { } loop) await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        // The calls ended by the drain: their surveys are written before the engine stops.
        await WriteAsync().ConfigureAwait(false);
        if (_unwritten.Count == 0) return;
        _metrics.Dropped.Add(_unwritten.Count);
        _log.LogError("Surveys: stopping with {Count} survey(s) still unwritten (the store refused them); they are dropped, first call: {CallId}", _unwritten.Count, _unwritten[0].CallId);
        _unwritten.Clear();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as its hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    /// <summary>Writes what has closed so far, and what the store refused before (what the loop does on each wake).</summary>
    internal async Task WriteAsync()
    {
        while (_closed.Reader.TryRead(out var record)) _unwritten.Add(record);
        while (_unwritten.Count > 0)
        {
            var record = _unwritten[0];
            try
            {
                var store = await _store().ConfigureAwait(false);
                await store.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStoreFailure(ex))
            {
                _metrics.WriteFailed.Add(1);
                if (!_down) _log.LogError("Surveys: the survey of call {CallId} cannot be written ({Reason}); kept in memory and tried again", record.CallId, ex.Message.Split('\n')[0]);
                _down = true;
                if (_unwritten.Count > _options.MaxUnwritten)
                {
                    var drop = _unwritten.Count - _options.MaxUnwritten;
                    _metrics.Dropped.Add(drop);
                    _log.LogError("Surveys: {Count} survey(s) dropped, the store stayed unwritable past Surveys:MaxUnwritten ({Max})", drop, _options.MaxUnwritten);
                    _unwritten.RemoveRange(0, drop);
                }
                return;
            }
            _unwritten.RemoveAt(0);
            if (_down) _log.LogInformation("Surveys: the survey store is written again");
            _down = false;
            _metrics.Stored.Add(1, new KeyValuePair<string, object?>("path", record.Path), new KeyValuePair<string, object?>("answered", record.Answered));
            _log.LogInformation("Surveys: call {CallId} stored ({Path}, skill {Skill}, q1={Q1}, q2={Q2})", record.CallId, record.Path, record.Skill, record.Q1, record.Q2);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // Wait for a closed call; with rows refused before, wake after the retry interval anyway.
            using (var tick = new CancellationTokenSource(_unwritten.Count > 0 ? RetryInterval : Timeout.InfiniteTimeSpan, _time))
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, tick.Token))
            {
                try
                {
                    await _closed.Reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // Time to try the refused rows again.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            try
            {
                await WriteAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The loop outlives any one bad write: an unexpected failure is logged and counted, the next wake writes again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _metrics.WriteFailed.Add(1);
                _log.LogError(ex, "Surveys: writing failed unexpectedly; tried again at the next wake");
            }
        }
    }

    // The failures that mean "the database cannot be used now" (try again later), not a bug.
    private static bool IsStoreFailure(Exception ex) =>
        ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or Routing.Storage.StorageUnavailableException
            or IOException or TimeoutException or UnauthorizedAccessException or InvalidOperationException;
}

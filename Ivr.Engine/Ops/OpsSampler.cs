using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Ops;

/// <summary>
/// Reads the <see cref="StatusReport"/> once a second: the latest one feeds the dashboard's server-sent events and each
/// becomes a <see cref="HistoryPoint"/> of a ring holding the last <see cref="OpsOptions.HistoryMinutes"/> minutes.
/// </summary>
public sealed class OpsSampler : BackgroundService
{
    /// <summary>How often the figures are sampled (and pushed to the dashboard).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly OpsStatusSource _source;
    private readonly TimeProvider _time;
    private readonly ILogger<OpsSampler> _log;
    private readonly int _capacity;
    private readonly Queue<HistoryPoint> _history = new();
    private readonly Lock _gate = new();
    private StatusReport? _latest;

    /// <summary>Creates the sampler.</summary>
    public OpsSampler(OpsStatusSource source, OpsOptions options, TimeProvider time, ILogger<OpsSampler> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _time = time;
        _log = log;
        _capacity = Math.Max(1, options.HistoryMinutes) * 60;
    }

    /// <summary>Raised after each sample, with the report (the dashboard's event streams wait on it).</summary>
    public event Action<StatusReport>? Sampled;

    /// <summary>The latest report, null before the first sample.</summary>
    public StatusReport? Latest => Volatile.Read(ref _latest);

    /// <summary>The samples kept, oldest first.</summary>
    public IReadOnlyList<HistoryPoint> History()
    {
        lock (_gate) return _history.ToArray();
    }

    /// <summary>Takes one sample now (the timer does it every <see cref="Period"/>).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var report = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
        var point = new HistoryPoint(
            report.At,
            report.Calls.Active,
            report.Calls.ByState.GetValueOrDefault("queued"),
            report.Calls.Started,
            report.Calls.Ended.Values.Sum(),
            report.Calls.Failed,
            report.Skills.ToDictionary(s => s.Skill, s => s.Waiting, StringComparer.Ordinal));
        lock (_gate)
        {
            _history.Enqueue(point);
            while (_history.Count > _capacity) _history.Dequeue();
        }
        Volatile.Write(ref _latest, report);
        Sampled?.Invoke(report);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        try
        {
            do
            {
                try
                {
                    await SampleAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is Akka.Actor.AskTimeoutException or TimeoutException)
                {
                    _log.LogDebug("Status sample skipped: {Error}", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

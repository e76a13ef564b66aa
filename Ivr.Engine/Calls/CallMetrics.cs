using System.Diagnostics.Metrics;

namespace Ivr.Engine.Calls;

/// <summary>Call counters (<c>System.Diagnostics.Metrics</c>, meter <c>Ivr.Calls</c>) for the Prometheus endpoint and the dashboard.</summary>
public sealed class CallMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Calls";

    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _ended;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public CallMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _started = _meter.CreateCounter<long>("ivr.calls.started", description: "Calls admitted and handed to a call actor");
        _failed = _meter.CreateCounter<long>("ivr.calls.failed", description: "Calls ended by a fault in their call actor");
        _rejected = _meter.CreateCounter<long>("ivr.calls.rejected", description: "INVITEs answered with a final error status");
        _ended = _meter.CreateCounter<long>("ivr.calls.ended", description: "Calls ended, by flow outcome");
    }

    /// <summary>A call was admitted.</summary>
    public void CallStarted() => _started.Add(1);

    /// <summary>A call actor failed and ended its call.</summary>
    public void CallFailed() => _failed.Add(1);

    /// <summary>An INVITE was rejected with <paramref name="statusCode"/>.</summary>
    public void CallRejected(int statusCode) => _rejected.Add(1, new KeyValuePair<string, object?>("status", statusCode));

    /// <summary>A call ended with the flow outcome code <paramref name="outcome"/>.</summary>
    public void CallEnded(string outcome) => _ended.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>
/// Figures of the screen-pop webhook (meter <c>Ivr.ScreenPop</c>): requests by outcome (<c>ok</c> for a 2xx, else
/// <c>status</c>, <c>timeout</c>, <c>network</c>, <c>dropped</c> when too many were in flight) and how long each took.
/// </summary>
public sealed class ScreenPopMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.ScreenPop";

    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    };

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public ScreenPopMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.screenpop.requests", Requests.Observe, description: "Screen-pop webhook requests, by outcome (ok for 2xx, else status, timeout, network, dropped)");
        _duration = _meter.CreateHistogram("ivr.screenpop.duration", unit: "s", description: "How long a screen-pop request took, by outcome", advice: LatencyBuckets);
    }

    /// <summary>Requests by outcome.</summary>
    public TaggedCounts Requests { get; } = new("outcome");

    /// <summary>Counts one request that ended with <paramref name="outcome"/> after <paramref name="elapsed"/>.</summary>
    public void Completed(string outcome, TimeSpan elapsed)
    {
        Requests.Add(outcome);
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Counts a screen-pop not sent because too many were in flight.</summary>
    public void Dropped() => Requests.Add("dropped");

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

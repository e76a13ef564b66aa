using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Integrations.Http;

/// <summary>
/// Figures of the <c>http</c> steps (meter <c>Ivr.Integrations</c>): requests by service and outcome (<c>ok</c> for a 2xx, or
/// the failure: <c>status</c>, <c>timeout</c>, <c>breaker-open</c>, <c>network</c>, <c>bad-json</c>, <c>bad-path</c>,
/// <c>no-service</c>, or <c>cancelled</c> when the call ended first), 2xx answers the flow
/// could not use (<c>bad-json</c>, <c>missing-field</c>), and how long the caller waited for each answer.
/// </summary>
public sealed class HttpStepMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Integrations";

    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    };

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public HttpStepMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.http.requests", Requests.Observe, description: "Requests of http steps, by service and outcome (ok for 2xx, else status, timeout, breaker-open, network, bad-json, bad-path, no-service, cancelled)");
        _meter.CreateObservableCounter("ivr.http.unusable", Unusable.Observe, description: "2xx answers of http steps the flow could not use, by service and reason (bad-json, missing-field)");
        _duration = _meter.CreateHistogram("ivr.http.duration", unit: "s", description: "How long an http step waited for its answer, retries included, by service and outcome", advice: LatencyBuckets);
    }

    /// <summary>Requests by service and outcome.</summary>
    public TaggedCounts Requests { get; } = new("service", "outcome");

    /// <summary>Counts one request of <paramref name="service"/> that ended with <paramref name="outcome"/> after <paramref name="elapsed"/>.</summary>
    public void Completed(string service, string outcome, TimeSpan elapsed)
    {
        Requests.Add(service, outcome);
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>2xx answers the flow could not use, by service and reason.</summary>
    public TaggedCounts Unusable { get; } = new("service", "reason");

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

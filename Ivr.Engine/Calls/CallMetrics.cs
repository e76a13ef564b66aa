using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Calls;

/// <summary>
/// Call figures (<c>System.Diagnostics.Metrics</c>, meter <c>Ivr.Calls</c>) for the Prometheus endpoint, the dashboard and
/// <c>status</c>. The totals live here (interlocked fields and <see cref="TaggedCounts"/>) and the instruments observe
/// them, so every reader sees the same numbers.
/// </summary>
public sealed class CallMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Calls";

    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
    };

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private long _active;
    private long _started;
    private long _answered;
    private long _failed;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public CallMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableUpDownCounter("ivr.calls.active", () => Active, description: "Calls with a live call actor now");
        _meter.CreateObservableCounter("ivr.calls.started", () => Started, description: "Calls admitted and handed to a call actor");
        _meter.CreateObservableCounter("ivr.calls.answered", () => Answered, description: "Calls answered (200 OK acknowledged) and running their flow");
        _meter.CreateObservableCounter("ivr.calls.failed", () => Failed, description: "Calls ended by a fault in their call actor");
        _meter.CreateObservableCounter("ivr.calls.rejected", Rejected.Observe, description: "INVITEs answered with a final error status, by status");
        _meter.CreateObservableCounter("ivr.calls.srtp_keys_plain_signalling", KeysOverPlainSignalling.Observe, description: "Calls whose SDES keys went out over signalling other than TLS (RFC 4568 §8.3), by direction");
        _meter.CreateObservableCounter("ivr.calls.ended", Ended.Observe, description: "Calls ended, by reason (the flow outcome, or cancelled, no-ack, failed)");
        _meter.CreateObservableCounter("ivr.calls.caller_lookup_failures", CallerLookupFailures.Observe, description: "Calls that started with an empty caller history because the contact history failed, by reason (timeout, error)");
        _duration = _meter.CreateHistogram("ivr.calls.duration", unit: "s", description: "How long ended calls lasted, from INVITE to end", advice: DurationBuckets);
    }

    /// <summary>Calls alive now (started and not yet ended).</summary>
    public long Active => Interlocked.Read(ref _active);

    /// <summary>Calls admitted since start.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Calls answered since start.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Calls whose actor failed since start.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Caller-history lookups that failed (the call went on as a first-time caller), by reason.</summary>
    public TaggedCounts CallerLookupFailures { get; } = new("reason");

    /// <summary>Rejected INVITEs by status code.</summary>
    public TaggedCounts Rejected { get; } = new("status");

    /// <summary>Calls whose SDES keys crossed signalling other than TLS, by direction (inbound, outbound).</summary>
    public TaggedCounts KeysOverPlainSignalling { get; } = new("direction");

    /// <summary>Ended calls by reason.</summary>
    public TaggedCounts Ended { get; } = new("reason");

    /// <summary>A call was admitted.</summary>
    public void CallStarted()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _active);
    }

    /// <summary>A call was answered.</summary>
    public void CallAnswered() => Interlocked.Increment(ref _answered);

    /// <summary>A call actor failed and ended its call.</summary>
    public void CallFailed() => Interlocked.Increment(ref _failed);

    /// <summary>An INVITE was rejected with <paramref name="statusCode"/>.</summary>
    public void CallRejected(int statusCode) => Rejected.Add(statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A call's SDES keys went out over signalling other than TLS; <paramref name="direction"/> is inbound or outbound.</summary>
    public void SrtpKeysOverPlainSignalling(string direction) => KeysOverPlainSignalling.Add(direction);

    /// <summary>A started call ended with <paramref name="reason"/> after <paramref name="duration"/>.</summary>
    public void CallEnded(string reason, TimeSpan duration)
    {
        Ended.Add(reason);
        Interlocked.Decrement(ref _active);
        _duration.Record(duration.TotalSeconds);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ivr.Engine.Metrics;

/// <summary>
/// Actor figures (meter <c>Ivr.Actors</c>): live actors, starts, stops and restarts, messages processed and their handling
/// time by actor type, and dead letters (counted by <c>Ops.DeadLetterListener</c> from Akka's event stream).
/// </summary>
public sealed class ActorMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Actors";

    private static readonly InstrumentAdvice<double> HandlingBuckets = new()
    {
        HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    };

    private readonly Meter _meter;
    private readonly Histogram<double> _handling;
    private readonly TaggedCounts _handlingMicros = new("type");

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public ActorMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableUpDownCounter("ivr.actors.live", ObserveLive, description: "Actors alive now, by type (call = one per live call)");
        _meter.CreateObservableCounter("ivr.actors.started", Started.Observe, description: "Actors started, by type");
        _meter.CreateObservableCounter("ivr.actors.stopped", Stopped.Observe, description: "Actors stopped, by type");
        _meter.CreateObservableCounter("ivr.actors.restarted", Restarted.Observe, description: "Actors restarted by their supervisor, by type");
        _meter.CreateObservableCounter("ivr.actors.messages", Messages.Observe, description: "Messages processed, by actor type");
        _meter.CreateObservableCounter("ivr.actors.dead_letters", DeadLetters.Observe, description: "Messages that reached no actor (dead, dropped or suppressed), by kind");
        _handling = _meter.CreateHistogram("ivr.actors.message.duration", unit: "s", description: "Time to handle one message, by actor type", advice: HandlingBuckets);
    }

    /// <summary>Starts by actor type.</summary>
    public TaggedCounts Started { get; } = new("type");

    /// <summary>Stops by actor type.</summary>
    public TaggedCounts Stopped { get; } = new("type");

    /// <summary>Restarts by actor type.</summary>
    public TaggedCounts Restarted { get; } = new("type");

    /// <summary>Messages processed by actor type.</summary>
    public TaggedCounts Messages { get; } = new("type");

    /// <summary>Dead letters by kind (<c>dead</c>, <c>dropped</c>, <c>suppressed</c>).</summary>
    public TaggedCounts DeadLetters { get; } = new("kind");

    /// <summary>Live actors of <paramref name="type"/> (started minus stopped).</summary>
    public long Live(string type) => Started.Get(type) - Stopped.Get(type);

    /// <summary>Live actors by type.</summary>
    public IReadOnlyDictionary<string, long> LiveByType() =>
        Started.ByFirst().ToDictionary(kv => kv.Key, kv => kv.Value - Stopped.Get(kv.Key), StringComparer.Ordinal);

    /// <summary>Mean handling time of a message of an actor of <paramref name="type"/>, zero before the first.</summary>
    public TimeSpan MeanHandling(string type)
    {
        var n = Messages.Get(type);
        return n == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_handlingMicros.Get(type) / (double)n);
    }

    /// <summary>An actor of <paramref name="type"/> started.</summary>
    public void ActorStarted(string type) => Started.Add(type);

    /// <summary>An actor of <paramref name="type"/> stopped.</summary>
    public void ActorStopped(string type) => Stopped.Add(type);

    /// <summary>An actor of <paramref name="type"/> was restarted.</summary>
    public void ActorRestarted(string type) => Restarted.Add(type);

    /// <summary>An actor of <paramref name="type"/> handled a message that began at <paramref name="startTimestamp"/> (<see cref="Stopwatch"/>).</summary>
    public void MessageHandled(string type, long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        Messages.Add(type);
        _handlingMicros.Add(type, delta: (long)elapsed.TotalMicroseconds);
        _handling.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("type", type));
    }

    /// <summary>A message reached no actor.</summary>
    public void DeadLetter(string kind) => DeadLetters.Add(kind);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveLive()
    {
        foreach (var (type, live) in LiveByType())
            yield return new Measurement<long>(live, new KeyValuePair<string, object?>("type", type));
    }
}

using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Asterisk;

/// <summary>FastAGI figures (meter <c>Ivr.Asterisk</c>): sessions taken, and sessions or calls ended by bad input, by reason.</summary>
public sealed class AgiMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Asterisk";

    private readonly Meter _meter;
    private long _sessions;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/> (null: a private meter).</summary>
    public AgiMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.asterisk.agi.sessions", () => Sessions, description: "FastAGI connections whose environment was read");
        _meter.CreateObservableCounter("ivr.asterisk.agi.errors", Errors.Observe, description: "FastAGI sessions ended by bad input or a lost connection, by reason");
    }

    /// <summary>Sessions whose environment was read.</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    /// <summary>Errors by reason (<c>environment</c>, <c>reply</c>, <c>closed</c>, <c>timeout</c>, <c>command</c>, <c>peer</c>, <c>limit</c>, <c>internal</c>, <c>missing-file</c>; docs/asterisk.md).</summary>
    public TaggedCounts Errors { get; } = new("reason");

    /// <summary>Counts a session taken.</summary>
    public void SessionStarted() => Interlocked.Increment(ref _sessions);

    /// <summary>Counts an error of <paramref name="reason"/>.</summary>
    public void Error(string reason) => Errors.Add(reason);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Surveys;

/// <summary>The surveys' counters (meter <c>Ivr.Surveys</c>, on <c>/metrics</c>).</summary>
public sealed class SurveyMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Surveys";

    private readonly Meter _meter;

    /// <summary>Creates the counters (on <paramref name="factory"/>'s meter when given).</summary>
    public SurveyMetrics(IMeterFactory? factory = null)
    {
        var meter = _meter = EngineMeter.Create(factory, MeterName);
        Stored = meter.CreateCounter<long>("ivr.surveys.stored", description: "Surveys stored, by path category and whether answered.");
        WriteFailed = meter.CreateCounter<long>("ivr.surveys.write_failed", description: "Survey rows that could not be written at a try (kept in memory and tried again).");
        Dropped = meter.CreateCounter<long>("ivr.surveys.dropped", description: "Survey rows given up: the store stayed unwritable past Surveys:MaxUnwritten, or the engine stopped.");
    }

    /// <summary>Surveys stored.</summary>
    public Counter<long> Stored { get; }

    /// <summary>Survey rows not written at a try.</summary>
    public Counter<long> WriteFailed { get; }

    /// <summary>Survey rows given up.</summary>
    public Counter<long> Dropped { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;
using Ivr.Engine.Routing;

namespace Ivr.Engine.Ops;

/// <summary>
/// Per-skill figures (meter <c>Ivr.Skills</c>) as observable gauges over whatever <see cref="ISkillStatusSource"/> is
/// registered: queue length, longest wait, expected wait, agents by state, window figures (arrivals, answered, abandoned,
/// abandonment, service level, ASA), callbacks and messages. One snapshot serves every instrument of a collection.
/// </summary>
public sealed class SkillMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Skills";

    // Instruments are observed one after another in a collection; they share a snapshot no older than this.
    private static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(250);

    private readonly Meter _meter;
    private readonly ISkillStatusSource _source;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private IReadOnlyList<SkillStatus> _last = [];
    private long _lastAt = long.MinValue;

    /// <summary>Creates the gauges over <paramref name="source"/>.</summary>
    public SkillMetrics(ISkillStatusSource source, TimeProvider time, IMeterFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        _source = source;
        _time = time;
        _meter = EngineMeter.Create(factory, MeterName);
        Gauge("ivr.skill.waiting", null, "Callers waiting in the queue (live and callback places)", s => s.Waiting);
        Gauge("ivr.skill.longest_wait", "s", "How long the head of the queue has waited", s => s.LongestWait.TotalSeconds);
        Gauge("ivr.skill.expected_wait", "s", "Expected wait of a new caller (the router's trusted estimator)", s => s.ExpectedWait?.TotalSeconds);
        Gauge("ivr.skill.window.arrivals", null, "Arrivals over the sliding window", s => s.Window.Arrivals);
        Gauge("ivr.skill.window.answered", null, "Callers answered over the sliding window", s => s.Window.Answered);
        Gauge("ivr.skill.window.abandoned", null, "Callers who abandoned over the sliding window", s => s.Window.Abandoned);
        Gauge("ivr.skill.abandonment_ratio", "1", "Abandoned / (answered + abandoned) over the window", s => s.Window.Answered + s.Window.Abandoned == 0 ? null : s.Window.AbandonmentRate);
        Gauge("ivr.skill.service_level_ratio", "1", "Answered within the target / (answered + abandoned after it) over the window", s => s.Window.ServiceLevel);
        Gauge("ivr.skill.asa", "s", "Average speed of answer over the window", s => s.Window.AverageSpeedOfAnswer?.TotalSeconds);
        Gauge("ivr.skill.callbacks.pending", null, "Callbacks booked and not yet dialled", s => s.CallbacksPending);
        _meter.CreateObservableGauge("ivr.skill.agents", ObserveAgents, description: "Agents with the skill, by state");
        _meter.CreateObservableCounter("ivr.skill.callbacks.dialled", () => Each(s => s.CallbacksDialled), description: "Callback attempts dialled");
        _meter.CreateObservableCounter("ivr.skill.callbacks.failed", () => Each(s => s.CallbacksFailed), description: "Callbacks that ended without reaching the customer");
        _meter.CreateObservableCounter("ivr.skill.messages", () => Each(s => s.MessagesRecorded), description: "Voice messages recorded");
    }

    /// <summary>The skills now (a snapshot reused within one collection).</summary>
    public IReadOnlyList<SkillStatus> Snapshot()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_lastAt == long.MinValue || _time.GetElapsedTime(_lastAt, now) > Reuse)
            {
                _last = _source.Snapshot();
                _lastAt = now;
            }
            return _last;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private void Gauge(string name, string? unit, string description, Func<SkillStatus, double?> value) =>
        _meter.CreateObservableGauge(name, () => Observe(value), unit, description);

    private IEnumerable<Measurement<double>> Observe(Func<SkillStatus, double?> value)
    {
        foreach (var skill in Snapshot())
        {
            if (value(skill) is { } v) yield return new Measurement<double>(v, new KeyValuePair<string, object?>("skill", skill.Skill));
        }
    }

    private IEnumerable<Measurement<long>> Each(Func<SkillStatus, long> value)
    {
        foreach (var skill in Snapshot())
            yield return new Measurement<long>(value(skill), new KeyValuePair<string, object?>("skill", skill.Skill));
    }

    private IEnumerable<Measurement<long>> ObserveAgents()
    {
        foreach (var skill in Snapshot())
        {
            foreach (var state in Enum.GetValues<AgentState>())
            {
                yield return new Measurement<long>(
                    skill.AgentsByState.GetValueOrDefault(state),
                    new KeyValuePair<string, object?>("skill", skill.Skill),
                    new KeyValuePair<string, object?>("state", StateName(state)));
            }
        }
    }

    /// <summary>The lower-case name of an agent state as metrics and the API show it (<c>wrap-up</c>).</summary>
    public static string StateName(AgentState state) => state switch
    {
        AgentState.WrapUp => "wrap-up",
        _ => state.ToString().ToLowerInvariant(),
    };
}

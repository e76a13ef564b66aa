using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// AMI figures (meter <c>Ivr.Ami</c>, exported as <c>ivr_ami_*</c>), each tagged with the configured Asterisk's name:
/// logins, errors by reason, events received, and whether the connection is up now.
/// </summary>
public sealed class AmiMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Ami";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, int> _up = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/> (null: a private meter).</summary>
    public AmiMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.ami.logins", Logins.Observe, description: "AMI logins accepted, by Asterisk");
        _meter.CreateObservableCounter("ivr.ami.errors", Errors.Observe, description: "AMI connections lost or refused, by Asterisk and reason");
        _meter.CreateObservableCounter("ivr.ami.events", Events.Observe, description: "AMI events received, by Asterisk");
        _meter.CreateObservableGauge("ivr.ami.connected", ObserveUp, description: "1 while the AMI connection to this Asterisk is logged in");
    }

    /// <summary>Logins accepted, by Asterisk.</summary>
    public TaggedCounts Logins { get; } = new("asterisk");

    /// <summary>
    /// Errors by Asterisk and reason: <c>auth</c> (login refused), <c>connect</c> (no TCP connection), <c>closed</c> (the peer
    /// closed), <c>ping-timeout</c>, <c>banner</c>, <c>malformed</c>, <c>control-character</c>, <c>line-too-long</c>,
    /// <c>packet-too-large</c>, <c>too-many-keys</c>, <c>action-timeout</c>, <c>events-dropped</c>, <c>internal</c>.
    /// </summary>
    public TaggedCounts Errors { get; } = new("asterisk", "reason");

    /// <summary>Events received, by Asterisk.</summary>
    public TaggedCounts Events { get; } = new("asterisk");

    /// <summary>True while the connection to <paramref name="asterisk"/> is logged in.</summary>
    public bool IsUp(string asterisk) => _up.TryGetValue(asterisk, out var up) && up == 1;

    /// <summary>Records whether <paramref name="asterisk"/> is logged in now.</summary>
    public void SetUp(string asterisk, bool up) => _up[asterisk] = up ? 1 : 0;

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveUp() =>
        _up.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("asterisk", p.Key)));
}

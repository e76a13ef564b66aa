using System.Diagnostics;
using Akka.Actor;

namespace Ivr.Engine.Metrics;

/// <summary>
/// A receive actor counted in <see cref="ActorMetrics"/> under its type: started, stopped, restarted, and the time each
/// message took to handle. Subclasses that override a lifecycle method call the base.
/// </summary>
public abstract class MeteredActor : ReceiveActor
{
    private readonly ActorMetrics _metrics;
    private readonly string _type;

    /// <summary>Counts this actor in <paramref name="metrics"/> as <paramref name="type"/>.</summary>
    protected MeteredActor(ActorMetrics metrics, string type)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentException.ThrowIfNullOrEmpty(type);
        _metrics = metrics;
        _type = type;
    }

    /// <inheritdoc />
    protected override void PreStart() => _metrics.ActorStarted(_type);

    /// <inheritdoc />
    protected override void PostStop() => _metrics.ActorStopped(_type);

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        _metrics.ActorRestarted(_type);
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        var began = Stopwatch.GetTimestamp();
        try
        {
            return base.AroundReceive(receive, message);
        }
        finally
        {
            _metrics.MessageHandled(_type, began);
        }
    }
}

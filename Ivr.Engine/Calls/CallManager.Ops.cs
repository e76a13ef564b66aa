using Akka.Actor;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Calls;

/// <summary>The call manager's operations side: call counts and durations in <see cref="CallMetrics"/>, itself in <see cref="ActorMetrics"/>.</summary>
public sealed partial class CallManager
{
    /// <summary>The actor type in <see cref="ActorMetrics"/>.</summary>
    public const string ActorType = "call-manager";

    private readonly Dictionary<IActorRef, long> _startedAt = [];

    /// <inheritdoc />
    protected override void PreStart() => _services.Ops.Actors.ActorStarted(ActorType);

    /// <inheritdoc />
    protected override void PostStop() => _services.Ops.Actors.ActorStopped(ActorType);

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        _services.Ops.Actors.ActorRestarted(ActorType);
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return base.AroundReceive(receive, message);
        }
        finally
        {
            _services.Ops.Actors.MessageHandled(ActorType, began);
        }
    }

    private void OpsCallStarted(IActorRef child)
    {
        _startedAt[child] = _services.Time.GetTimestamp();
        _services.Metrics.CallStarted();
    }

    private void OpsCallEnded(IActorRef child, string reason)
    {
        if (_startedAt.Remove(child, out var began)) _services.Metrics.CallEnded(reason, _services.Time.GetElapsedTime(began));
    }
}

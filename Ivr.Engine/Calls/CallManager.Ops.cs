using Akka.Actor;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Calls;

/// <summary>The call manager's operations side: call counts and durations in <see cref="CallMetrics"/>, itself in <see cref="ActorMetrics"/>.</summary>
public sealed partial class CallManager
{
    /// <summary>The actor type in <see cref="ActorMetrics"/>.</summary>
    public const string ActorType = "call-manager";

    private readonly Dictionary<IActorRef, long> _startedAt = [];

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

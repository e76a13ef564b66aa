using Ivr.Engine.Metrics;
using Ivr.Engine.Speech;

namespace Ivr.Engine.Calls;

/// <summary>What call actors feed for operations: the board of live and recent calls, the flow metrics and the actor metrics.</summary>
/// <param name="Board">Live calls and recent timelines.</param>
/// <param name="Flows">Flow counters.</param>
/// <param name="Actors">Actor counters.</param>
public sealed record CallOps(CallBoard Board, FlowMetrics Flows, ActorMetrics Actors)
{
    /// <summary>Speech counters; null: not counted.</summary>
    public SpeechMetrics? Speech { get; init; }

    /// <summary>Ops parts on private meters (tests and tools that run calls without the engine host).</summary>
    public static CallOps Detached(TimeProvider? time = null)
    {
        var flows = new FlowMetrics();
        return new CallOps(new CallBoard(time ?? TimeProvider.System, flows), flows, new ActorMetrics());
    }
}

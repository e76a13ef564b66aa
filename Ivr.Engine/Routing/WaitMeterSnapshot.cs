namespace Ivr.Engine.Routing;

/// <summary>One skill's figures over the sliding window; rates are per minute, null where nothing was observed yet.</summary>
/// <param name="Arrivals">Callers who entered the queue.</param>
/// <param name="Answered">Callers answered by an agent.</param>
/// <param name="Abandoned">Callers who hung up while waiting.</param>
/// <param name="CallbacksBooked">Callers who took a callback instead of waiting.</param>
/// <param name="ArrivalRate">Arrivals per minute over the time observed (at most the window).</param>
/// <param name="AbandonmentRate">Abandoned / (answered + abandoned).</param>
/// <param name="MeanHandleTime">Mean handle time of calls finished in the window.</param>
/// <param name="ServiceLevel">Answered within T / (answered + abandoned after waiting more than T): callers who give up
/// before T count neither for nor against (the common contact-centre definition that ignores short abandons).</param>
/// <param name="AverageSpeedOfAnswer">Mean wait of answered callers.</param>
/// <param name="PatienceRate">θ̂, the maximum-likelihood abandonment rate for exponential patience with censoring:
/// abandonments / total minutes spent waiting by every caller who left the queue (answered waits are censored
/// patience observations, abandoned waits are complete ones).</param>
public sealed record WaitMeterSnapshot(
    int Arrivals,
    int Answered,
    int Abandoned,
    int CallbacksBooked,
    double ArrivalRate,
    double AbandonmentRate,
    TimeSpan? MeanHandleTime,
    double? ServiceLevel,
    TimeSpan? AverageSpeedOfAnswer,
    double? PatienceRate)
{
    /// <summary>Estimated mean patience 1/θ̂, null until at least one caller abandoned.</summary>
    public TimeSpan? EstimatedPatience => PatienceRate is > 0 and var rate ? TimeSpan.FromMinutes(1 / rate) : null;

    /// <summary>Service rate μ = 1 / mean handle time, per minute.</summary>
    public double? ServiceRate => MeanHandleTime is { Ticks: > 0 } mht ? 1 / mht.TotalMinutes : null;
}

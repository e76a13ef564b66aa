namespace Ivr.Engine.Routing;

/// <summary>
/// Queue-length estimator corrected for abandonment (Whitt's QL_m): the caller with n ahead must see n + 1 departures
/// from the line, each when an agent frees up (rate sμ) or someone ahead gives up (iθ with i still ahead), so
/// E[W] = Σ_{i=0..n} 1/(sμ + iθ). It is the wait of a caller who would not give up themselves. Virtual (callback)
/// places ahead never give up, so θ is scaled by the share of live callers among the places ahead.
/// </summary>
public sealed class QueueLengthEstimator : IWaitEstimator
{
    /// <summary>Estimates are capped here so that a skill with no agents yields a finite, obviously huge figure.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromHours(24);

    /// <inheritdoc />
    public string Name => "queue-length";

    /// <inheritdoc />
    public TimeSpan Estimate(in WaitContext context)
    {
        if (context.AgentFree && context.CallersAhead == 0) return TimeSpan.Zero;
        var drain = Math.Max(0, context.Agents) * context.ServiceRate;
        var ahead = context.CallersAhead;
        var liveShare = ahead > 0 ? Math.Clamp((ahead - context.CallbacksAhead) / (double)ahead, 0, 1) : 1;
        var theta = Math.Max(0, context.PatienceRate) * liveShare;
        double minutes = 0;
        for (var i = 0; i <= ahead; i++)
        {
            var rate = drain + i * theta;
            if (rate <= 0) return Cap;
            minutes += 1 / rate;
            if (minutes >= Cap.TotalMinutes) return Cap;
        }
        return TimeSpan.FromMinutes(minutes);
    }
}

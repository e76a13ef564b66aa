namespace Ivr.Engine.Routing;

/// <summary>
/// Delay-history estimator after Ibrahim and Whitt: with n callers ahead and the head of the line waiting w so far,
/// the n callers arrived over about w, so the line moves about n per w and n + 1 departures take (n + 1)/n · w.
/// With nobody waiting it uses the last caller's wait to enter service; with no history at all, the fallback.
/// </summary>
public sealed class HeadOfLineEstimator : IWaitEstimator
{
    private readonly IWaitEstimator _fallback;

    /// <summary>Creates the estimator; <paramref name="fallback"/> (default queue-length) answers when there is no history.</summary>
    public HeadOfLineEstimator(IWaitEstimator? fallback = null) => _fallback = fallback ?? new QueueLengthEstimator();

    /// <inheritdoc />
    public string Name => "head-of-line";

    /// <inheritdoc />
    public TimeSpan Estimate(in WaitContext context)
    {
        if (context.AgentFree && context.CallersAhead == 0) return TimeSpan.Zero;
        var n = context.CallersAhead;
        if (n > 0 && context.HeadOfLineWait is { } w && w > TimeSpan.Zero)
            return TimeSpan.FromTicks((long)Math.Min(w.Ticks * ((n + 1) / (double)n), QueueLengthEstimator.Cap.Ticks));
        if (n == 0 && context.LastEnteredServiceWait is { } les) return les;
        return _fallback.Estimate(context);
    }
}

namespace Ivr.Engine.Routing;

/// <summary>Closed-form Erlang C (M/M/n, infinite patience), kept as an independent check on <see cref="ErlangA"/>.</summary>
public static class ErlangC
{
    /// <summary>Probability of waiting for offered load a = λ/μ on n agents, by the stable Erlang B recurrence.</summary>
    public static double ProbabilityOfWait(double offeredLoad, int agents)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(agents);
        if (!(offeredLoad >= 0) || offeredLoad >= agents) throw new ArgumentOutOfRangeException(nameof(offeredLoad));
        var blocking = 1.0;
        for (var k = 1; k <= agents; k++) blocking = offeredLoad * blocking / (k + offeredLoad * blocking);
        var rho = offeredLoad / agents;
        return blocking / (1 - rho + rho * blocking);
    }

    /// <summary>Mean wait over all callers: C(n, a) / (nμ − λ).</summary>
    public static double MeanWait(double arrivalRate, double serviceRate, int agents) =>
        ProbabilityOfWait(arrivalRate / serviceRate, agents) / (agents * serviceRate - arrivalRate);

    /// <summary>P(W &gt; t) = C(n, a)·exp(−(nμ − λ)t).</summary>
    public static double ProbabilityWaitExceeds(double arrivalRate, double serviceRate, int agents, double t) =>
        ProbabilityOfWait(arrivalRate / serviceRate, agents) * Math.Exp(-(agents * serviceRate - arrivalRate) * t);
}

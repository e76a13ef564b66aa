namespace Ivr.Engine.Routing;

/// <summary>
/// A capacity-planning run: one skill, Poisson arrivals, exponential handle times and patience, n identical agents,
/// and the offer policy's triggers. Times are in minutes; the defaults match <c>router simulate</c>.
/// </summary>
public sealed record RouterSimulationOptions
{
    /// <summary>Mean arrivals per minute (λ).</summary>
    public double ArrivalsPerMinute { get; init; } = 48;

    /// <summary>Mean handle time in minutes (1/μ).</summary>
    public double HandleMinutes { get; init; } = 1;

    /// <summary>Mean patience in minutes (1/θ); callers give up after an exponential time with this mean.</summary>
    public double PatienceMinutes { get; init; } = 2;

    /// <summary>Agents staffed.</summary>
    public int Agents { get; init; } = 50;

    /// <summary>Minutes during which callers arrive.</summary>
    public double Minutes { get; init; } = 600;

    /// <summary>Seed of the run's random numbers; the same seed gives the same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Callers arriving before this many minutes are served but not counted (start-up transient).</summary>
    public double WarmUpMinutes { get; init; }

    /// <summary>After arrivals stop, keep going until every caller and callback is settled.</summary>
    public bool Drain { get; init; } = true;

    /// <summary>Service-level threshold T in seconds.</summary>
    public double ServiceLevelSeconds { get; init; } = 20;

    /// <summary>Sliding window of the wait meter, in minutes.</summary>
    public double MeterWindowMinutes { get; init; } = 15;

    /// <summary>
    /// The offer triggers used when the policy is on. Defaults: expected wait over 1 minute, abandonment over 10 %, or a
    /// predicted 25 % chance of abandoning; re-offer every 20 seconds. The abandonment trigger releases below 5 %
    /// (hysteresis): in overload, offers that work pull abandonment under the threshold, and releasing at once would stop
    /// them and let it climb back. Keeping it on is safe because callbacks are paced to spare agents. In overload impatient callers keep the live line
    /// short, so the wait trigger alone rarely fires: the abandonment triggers are what reach them in time. Lower
    /// thresholds backfire on a healthy queue: every callback holds an agent while it rings, and offering to nearly
    /// everyone spends enough agent time on ringing to tip the skill into overload.
    /// </summary>
    public OfferPolicyOptions Offer { get; init; } = new()
    {
        WaitTarget = TimeSpan.FromMinutes(1),
        AbandonRateThreshold = 0.1,
        AbandonRateReleaseBelow = 0.05,
        LikelyToAbandonThreshold = 0.25,
        ReofferEvery = TimeSpan.FromSeconds(20),
    };

    /// <summary>Probability that a caller accepts each offer of a callback.</summary>
    public double AcceptProbability { get; init; } = 0.6;

    /// <summary>Probability that a customer answers a callback attempt.</summary>
    public double CallbackAnswerProbability { get; init; } = 0.9;

    /// <summary>Minutes an agent is held while a callback attempt rings.</summary>
    public double CallbackRingMinutes { get; init; } = 0.25;

    /// <summary>Attempts per callback before it is reported failed.</summary>
    public int CallbackMaxAttempts { get; init; } = 3;

    /// <summary>Back-off before the k-th retry: k times this many minutes.</summary>
    public double CallbackRetryMinutes { get; init; } = 5;

    /// <summary>
    /// Pace callbacks with a <see cref="CallbackPacer"/>: dial one only when agents are free beyond the live line's
    /// needs. Off reproduces strict first-come dispatch, where a callback takes the next agent whatever the line needs.
    /// </summary>
    public bool PaceCallbacks { get; init; } = true;

    /// <summary>Agents kept free for live callers when pacing; null: the square-root reserve ⌈√(λ·handle)⌉.</summary>
    public int? CallbackReserveAgents { get; init; }

    /// <summary>When pacing, a callback whose place is this old is served in order whatever the line needs; null: never.</summary>
    public double? CallbackMaxDeferralMinutes { get; init; }

    /// <summary>Rejects options that cannot be simulated.</summary>
    public void Validate()
    {
        if (!(ArrivalsPerMinute > 0)) throw new ArgumentOutOfRangeException(nameof(ArrivalsPerMinute));
        if (!(HandleMinutes > 0)) throw new ArgumentOutOfRangeException(nameof(HandleMinutes));
        if (!(PatienceMinutes > 0)) throw new ArgumentOutOfRangeException(nameof(PatienceMinutes));
        if (Agents <= 0) throw new ArgumentOutOfRangeException(nameof(Agents));
        if (!(Minutes > 0)) throw new ArgumentOutOfRangeException(nameof(Minutes));
        if (!(WarmUpMinutes >= 0) || WarmUpMinutes >= Minutes) throw new ArgumentOutOfRangeException(nameof(WarmUpMinutes));
        if (!(AcceptProbability is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(AcceptProbability));
        if (!(CallbackAnswerProbability is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(CallbackAnswerProbability));
        if (CallbackMaxAttempts <= 0) throw new ArgumentOutOfRangeException(nameof(CallbackMaxAttempts));
        if (CallbackReserveAgents is < 0) throw new ArgumentOutOfRangeException(nameof(CallbackReserveAgents));
        if (CallbackMaxDeferralMinutes is { } max && !(max >= 0)) throw new ArgumentOutOfRangeException(nameof(CallbackMaxDeferralMinutes));
        if (!(CallbackRingMinutes >= 0) || !(CallbackRetryMinutes >= 0)) throw new ArgumentOutOfRangeException(nameof(CallbackRingMinutes));
    }
}

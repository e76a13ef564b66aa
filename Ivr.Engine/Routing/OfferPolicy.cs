namespace Ivr.Engine.Routing;

/// <summary>
/// Decides when to offer a caller a callback or a message instead of waiting: on joining the line, and again while
/// waiting (once the wait reaches the target, and periodically after a refusal). Pure: the host supplies every figure.
/// </summary>
public sealed class OfferPolicy
{
    /// <summary>Creates the policy for a skill's triggers.</summary>
    public OfferPolicy(OfferPolicyOptions options) => Options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The triggers.</summary>
    public OfferPolicyOptions Options { get; }

    /// <summary>
    /// Predicted probability that a caller with exponential patience (rate θ̂) gives up before an answer expected
    /// after <paramref name="expectedWait"/>: 1 − exp(−θ̂·EWT).
    /// </summary>
    public static double AbandonProbability(double patienceRate, TimeSpan expectedWait) =>
        1 - Math.Exp(-Math.Max(0, patienceRate) * Math.Max(0, expectedWait.TotalMinutes));

    /// <summary>Whether to offer to a caller joining the line.</summary>
    public OfferDecision EvaluateArrival(in OfferContext context)
    {
        var probability = context.PatienceRate is { } theta ? AbandonProbability(theta, context.ExpectedWait) : (double?)null;
        var reason = Trigger(context, probability);
        return new OfferDecision(reason != OfferReason.None, reason, probability);
    }

    /// <summary>
    /// Whether to offer to a caller already waiting for <paramref name="waited"/>, whose last offer (if any) was
    /// <paramref name="sinceLastOffer"/> ago. A caller never offered gets one when a trigger holds or the wait reaches
    /// the target; a caller who declined gets one every <see cref="OfferPolicyOptions.ReofferEvery"/> while a trigger holds.
    /// </summary>
    public OfferDecision EvaluateWaiting(in OfferContext context, TimeSpan waited, TimeSpan? sinceLastOffer)
    {
        var probability = context.PatienceRate is { } theta ? AbandonProbability(theta, context.ExpectedWait) : (double?)null;
        var reason = Trigger(context, probability);
        var pastTarget = Options.WaitTarget is { } target && waited >= target;
        if (sinceLastOffer is null)
        {
            if (reason == OfferReason.None && pastTarget) reason = OfferReason.WaitedPastTarget;
            return new OfferDecision(reason != OfferReason.None, reason, probability);
        }
        var due = Options.ReofferEvery is { } every && sinceLastOffer >= every;
        var offer = due && (reason != OfferReason.None || pastTarget);
        return new OfferDecision(offer, offer ? OfferReason.Reoffer : OfferReason.None, probability);
    }

    /// <summary>
    /// Whether the abandonment trigger holds for <paramref name="abandonmentRate"/>: above the threshold turns it on;
    /// once on (<paramref name="wasOn"/>) it stays on until the rate falls below <see cref="OfferPolicyOptions.AbandonRateReleaseBelow"/>.
    /// </summary>
    public bool AbandonTriggerHolds(double abandonmentRate, bool wasOn)
    {
        if (Options.AbandonRateThreshold is not { } rate) return false;
        if (abandonmentRate > rate) return true;
        return wasOn && Options.AbandonRateReleaseBelow is { } release && abandonmentRate >= release;
    }

    private OfferReason Trigger(in OfferContext context, double? probability)
    {
        if (Options.WaitTarget is { } target && context.ExpectedWait > target) return OfferReason.ExpectedWaitOverTarget;
        if (AbandonTriggerHolds(context.AbandonmentRate, context.AbandonTriggerOn)) return OfferReason.AbandonRateOverThreshold;
        if (Options.QueueLengthLimit is { } limit && context.QueueLength > limit) return OfferReason.QueueOverLimit;
        if (Options.LikelyToAbandonThreshold is { } threshold && probability > threshold) return OfferReason.LikelyToAbandon;
        return OfferReason.None;
    }
}

namespace Ivr.Engine.Routing.Configuration;

/// <summary>A skill's offer policy in <c>agents.json</c>; times in seconds, rates and probabilities 0..1.</summary>
public sealed record OfferConfig
{
    /// <summary>Offer a callback that keeps the caller's place.</summary>
    public bool Callback { get; init; }

    /// <summary>Offer to leave a message.</summary>
    public bool Message { get; init; }

    /// <summary>Expected-wait trigger and wait target, seconds.</summary>
    public double? WhenWaitOver { get; init; }

    /// <summary>Abandonment-rate trigger.</summary>
    public double? WhenAbandonRateOver { get; init; }

    /// <summary>Queue-length trigger.</summary>
    public int? WhenQueueLongerThan { get; init; }

    /// <summary>Predicted-abandonment trigger.</summary>
    public double? WhenLikelyToAbandon { get; init; }

    /// <summary>Re-offer interval, seconds.</summary>
    public double? ReofferEvery { get; init; }

    /// <summary>
    /// The policy's triggers; the abandonment trigger releases at half its threshold (hysteresis), so it neither
    /// flaps on window noise nor stops offering as soon as the offers start working.
    /// </summary>
    public OfferPolicyOptions ToOptions() => new()
    {
        WaitTarget = WhenWaitOver is { } w ? TimeSpan.FromSeconds(w) : null,
        AbandonRateThreshold = WhenAbandonRateOver,
        AbandonRateReleaseBelow = WhenAbandonRateOver * 0.5,
        QueueLengthLimit = WhenQueueLongerThan,
        LikelyToAbandonThreshold = WhenLikelyToAbandon,
        ReofferEvery = ReofferEvery is { } r ? TimeSpan.FromSeconds(r) : null,
    };
}

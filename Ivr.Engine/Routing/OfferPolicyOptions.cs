namespace Ivr.Engine.Routing;

/// <summary>A skill's offer triggers; a null trigger is off. Any trigger that holds makes an offer.</summary>
public sealed record OfferPolicyOptions
{
    /// <summary>Offer when the expected wait exceeds this, and to anyone who has waited this long without an offer.</summary>
    public TimeSpan? WaitTarget { get; init; }

    /// <summary>Offer when the window's abandonment rate (0..1) exceeds this.</summary>
    public double? AbandonRateThreshold { get; init; }

    /// <summary>
    /// Hysteresis of the abandonment trigger: once on, it stays on until the rate falls below this (default: the
    /// threshold itself, no hysteresis). Keeps the policy from flapping on window noise around the threshold.
    /// </summary>
    public double? AbandonRateReleaseBelow { get; init; }

    /// <summary>Offer when the line holds more than this many places.</summary>
    public int? QueueLengthLimit { get; init; }

    /// <summary>Offer when the caller's predicted probability of abandoning (0..1) exceeds this.</summary>
    public double? LikelyToAbandonThreshold { get; init; }

    /// <summary>Repeat the offer this often to callers who declined, while a trigger still holds.</summary>
    public TimeSpan? ReofferEvery { get; init; }
}

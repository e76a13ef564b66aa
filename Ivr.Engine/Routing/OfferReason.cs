namespace Ivr.Engine.Routing;

/// <summary>Why a callback or message was (or was not) offered.</summary>
public enum OfferReason
{
    /// <summary>No offer.</summary>
    None,

    /// <summary>The caller's expected wait exceeds the skill's target.</summary>
    ExpectedWaitOverTarget,

    /// <summary>The skill's abandonment rate in the window exceeds its threshold.</summary>
    AbandonRateOverThreshold,

    /// <summary>The line is longer than its limit.</summary>
    QueueOverLimit,

    /// <summary>The caller's predicted probability of giving up before an answer exceeds its threshold.</summary>
    LikelyToAbandon,

    /// <summary>The caller has already waited as long as the target without an offer.</summary>
    WaitedPastTarget,

    /// <summary>A periodic repeat to a caller who declined earlier, while a trigger still holds.</summary>
    Reoffer,
}

namespace Ivr.Engine.Routing;

/// <summary>What the offer policy weighs for one caller.</summary>
/// <param name="ExpectedWait">The caller's expected (remaining) wait from the trusted estimator.</param>
/// <param name="AbandonmentRate">Abandoned / (answered + abandoned) in the skill's window.</param>
/// <param name="QueueLength">Places in the line, this caller included.</param>
/// <param name="PatienceRate">Measured θ̂ per minute (<see cref="WaitMeterSnapshot.PatienceRate"/>), if known.</param>
/// <param name="AbandonTriggerOn">
/// Whether the abandonment trigger was on at the previous decision (the host keeps it, from
/// <see cref="OfferPolicy.AbandonTriggerHolds"/>), for hysteresis.
/// </param>
public readonly record struct OfferContext(
    TimeSpan ExpectedWait,
    double AbandonmentRate,
    int QueueLength,
    double? PatienceRate,
    bool AbandonTriggerOn = false);

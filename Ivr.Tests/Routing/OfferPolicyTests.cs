using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class OfferPolicyTests
{
    private static readonly OfferPolicy Policy = new(new OfferPolicyOptions
    {
        WaitTarget = TimeSpan.FromMinutes(2),
        AbandonRateThreshold = 0.1,
        QueueLengthLimit = 20,
        LikelyToAbandonThreshold = 0.5,
        ReofferEvery = TimeSpan.FromMinutes(1),
    });

    [Theory]
    [InlineData(3.0, 0.0, 5, OfferReason.ExpectedWaitOverTarget)]
    [InlineData(1.0, 0.2, 5, OfferReason.AbandonRateOverThreshold)]
    [InlineData(1.0, 0.0, 21, OfferReason.QueueOverLimit)]
    [InlineData(1.0, 0.0, 5, OfferReason.None)]
    public void EvaluateArrival_Triggers_GiveReason(double ewtMinutes, double abandonRate, int queueLength, OfferReason reason)
    {
        var decision = Policy.EvaluateArrival(new OfferContext(TimeSpan.FromMinutes(ewtMinutes), abandonRate, queueLength, PatienceRate: 0.1));

        Assert.Equal(reason, decision.Reason);
        Assert.Equal(reason != OfferReason.None, decision.Offer);
    }

    [Fact]
    public void EvaluateArrival_ImpatientCallers_LikelyToAbandon()
    {
        // θ̂ = 1/min, EWT 1.5 min: P = 1 − e^−1.5 ≈ 0.78.
        var decision = Policy.EvaluateArrival(new OfferContext(TimeSpan.FromMinutes(1.5), 0, 5, PatienceRate: 1));

        Assert.Equal(OfferReason.LikelyToAbandon, decision.Reason);
        Assert.Equal(1 - Math.Exp(-1.5), decision.AbandonProbability!.Value, 1e-12);
    }

    [Fact]
    public void EvaluateWaiting_NeverOfferedAtTarget_Offers()
    {
        var quiet = new OfferContext(TimeSpan.FromSeconds(10), 0, 1, null);

        Assert.False(Policy.EvaluateWaiting(quiet, TimeSpan.FromSeconds(119), null).Offer);
        Assert.Equal(OfferReason.WaitedPastTarget, Policy.EvaluateWaiting(quiet, TimeSpan.FromMinutes(2), null).Reason);
    }

    [Fact]
    public void EvaluateWaiting_Declined_ReoffersOnlyWhenDueAndTriggered()
    {
        var busy = new OfferContext(TimeSpan.FromMinutes(5), 0, 5, null);
        var quiet = new OfferContext(TimeSpan.FromSeconds(10), 0, 1, null);

        Assert.False(Policy.EvaluateWaiting(busy, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)).Offer);
        Assert.Equal(OfferReason.Reoffer, Policy.EvaluateWaiting(busy, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)).Reason);
        Assert.False(Policy.EvaluateWaiting(quiet, TimeSpan.FromSeconds(70), TimeSpan.FromMinutes(1)).Offer);
    }

    [Fact]
    public void AbandonTriggerHolds_Hysteresis_OnAboveThresholdOffBelowRelease()
    {
        var policy = new OfferPolicy(new OfferPolicyOptions { AbandonRateThreshold = 0.1, AbandonRateReleaseBelow = 0.07 });

        Assert.False(policy.AbandonTriggerHolds(0.09, wasOn: false));
        Assert.True(policy.AbandonTriggerHolds(0.11, wasOn: false));
        Assert.True(policy.AbandonTriggerHolds(0.08, wasOn: true));
        Assert.False(policy.AbandonTriggerHolds(0.06, wasOn: true));
        Assert.Equal(OfferReason.AbandonRateOverThreshold,
            policy.EvaluateArrival(new OfferContext(TimeSpan.Zero, 0.08, 1, null, AbandonTriggerOn: true)).Reason);
        Assert.False(Policy.AbandonTriggerHolds(0.09, wasOn: true));
    }
}

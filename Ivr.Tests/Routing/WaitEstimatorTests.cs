using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class WaitEstimatorTests
{
    [Fact]
    public void QueueLength_WithAbandonment_SumsDepartureTimes()
    {
        var estimate = new QueueLengthEstimator().Estimate(new WaitContext(CallersAhead: 2, Agents: 10, ServiceRate: 1, PatienceRate: 0.5));

        Assert.Equal(1 / 10.0 + 1 / 10.5 + 1 / 11.0, estimate.TotalMinutes, 1e-6);
    }

    [Fact]
    public void QueueLength_AllAheadAreCallbacks_NobodyAheadGivesUp()
    {
        var estimate = new QueueLengthEstimator().Estimate(new WaitContext(2, 10, 1, 0.5, CallbacksAhead: 2));

        Assert.Equal(3 / 10.0, estimate.TotalMinutes, 1e-6);
    }

    [Fact]
    public void QueueLength_AgentFreeAtHead_IsZero()
    {
        var estimate = new QueueLengthEstimator().Estimate(new WaitContext(0, 10, 1, 0.5, AgentFree: true));

        Assert.Equal(TimeSpan.Zero, estimate);
    }

    [Fact]
    public void QueueLength_NoAgentsNoAbandonment_IsCapped()
    {
        var estimate = new QueueLengthEstimator().Estimate(new WaitContext(3, 0, 1, 0));

        Assert.Equal(QueueLengthEstimator.Cap, estimate);
    }

    [Fact]
    public void HeadOfLine_WithCallersAhead_ScalesHeadWait()
    {
        var estimate = new HeadOfLineEstimator().Estimate(new WaitContext(4, 10, 1, 0.5, HeadOfLineWait: TimeSpan.FromMinutes(2)));

        Assert.Equal(2.5, estimate.TotalMinutes, 1e-6);
    }

    [Fact]
    public void HeadOfLine_NobodyAhead_UsesLastEnteredService()
    {
        var estimate = new HeadOfLineEstimator().Estimate(new WaitContext(0, 10, 1, 0.5, LastEnteredServiceWait: TimeSpan.FromSeconds(40)));

        Assert.Equal(TimeSpan.FromSeconds(40), estimate);
    }

    [Fact]
    public void BestEstimator_BeforeEnoughSamples_TrustsQueueLength()
    {
        var best = new BestEstimator(minimumSamples: 5);

        var estimates = best.EstimateAll(new WaitContext(4, 10, 1, 0.5, HeadOfLineWait: TimeSpan.FromMinutes(2)));

        Assert.Equal(0, estimates.Chosen);
        Assert.Equal("queue-length", best.Estimators[0].Name);
    }

    [Fact]
    public void BestEstimator_HeadOfLineMoreAccurate_SwitchesToIt()
    {
        var best = new BestEstimator(minimumSamples: 5);
        var context = new WaitContext(4, 10, 1, 0.5, HeadOfLineWait: TimeSpan.FromMinutes(2));
        for (var i = 0; i < 10; i++)
        {
            var estimates = best.EstimateAll(context);
            best.RecordAnswered(estimates, TimeSpan.FromMinutes(2.4));
        }

        Assert.Equal(1, best.Chosen);
        Assert.True(best.RmsError(1) < best.RmsError(0));
        Assert.Equal(0.1, best.MeanAbsoluteError(1), 1e-6);
        Assert.Equal(10, best.Samples(1));
    }
}

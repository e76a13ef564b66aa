using Ivr.Engine.Routing;
using Xunit.Abstractions;

namespace Ivr.Tests.Routing;

public class ErlangATests(ITestOutputHelper output)
{
    [Fact]
    public void Compute_Lambda48Mu1Theta05N50_MatchesPublishedFigures()
    {
        var model = new ErlangA(48, 1, 0.5, 50);
        Describe(model);

        Assert.Equal(0.4678, model.ProbabilityOfWait, 1e-4);
        Assert.Equal(0.0309, model.ProbabilityOfAbandon, 1e-4);
        Assert.Equal(0.0618, model.MeanWait, 1e-4);
        Assert.True(model.TruncationBound < 1e-14);
    }

    [Fact]
    public void Compute_Lambda100Mu1Theta1N100_MatchesPublishedFigures()
    {
        var model = new ErlangA(100, 1, 1, 100);
        Describe(model);

        Assert.Equal(0.5133, model.ProbabilityOfWait, 1e-4);
        Assert.Equal(0.0399, model.ProbabilityOfAbandon, 1e-4);
        Assert.Equal(model.MeanQueueLength / 100, model.MeanWait, 1e-12);
    }

    [Theory]
    [InlineData(48, 1, 50)]
    [InlineData(9, 1, 10)]
    [InlineData(95, 1, 100)]
    [InlineData(2, 0.25, 10)]
    public void Compute_ThetaZero_AgreesWithErlangCFormula(double lambda, double mu, int n)
    {
        var model = new ErlangA(lambda, mu, 0, n);

        Assert.Equal(ErlangC.ProbabilityOfWait(lambda / mu, n), model.ProbabilityOfWait, 1e-10);
        Assert.Equal(ErlangC.MeanWait(lambda, mu, n), model.MeanWait, 1e-9);
        Assert.Equal(0, model.ProbabilityOfAbandon);
        Assert.Equal(ErlangC.ProbabilityWaitExceeds(lambda, mu, n, 0.05), model.ProbabilityWaitExceeds(0.05), 1e-8);
    }

    [Fact]
    public void ErlangC_KnownTextbookValue_Matches()
    {
        // 10 agents, 8 Erlangs: C = 0.4092 (standard tables).
        Assert.Equal(0.4092, ErlangC.ProbabilityOfWait(8, 10), 1e-4);
    }

    [Fact]
    public void Compute_LargeSystem_StaysFiniteAndNormalised()
    {
        var model = new ErlangA(5000, 1, 0.2, 4800);

        Assert.InRange(model.ProbabilityOfWait, 0, 1);
        Assert.True(double.IsFinite(model.MeanWait));
        // Flow balance: what arrives either abandons or is served.
        var served = 1 - model.ProbabilityOfWait + model.ProbabilityServedAfterWait;
        Assert.Equal(1, served + model.ProbabilityOfAbandon, 1e-9);
    }

    [Fact]
    public void Compute_ServedPlusAbandoned_IsOne()
    {
        var model = new ErlangA(48, 1, 0.5, 50);

        var served = 1 - model.ProbabilityOfWait + model.ProbabilityServedAfterWait;
        Assert.Equal(1, served + model.ProbabilityOfAbandon, 1e-10);
        Assert.InRange(model.AverageSpeedOfAnswer, 0, model.MeanWait);
    }

    [Fact]
    public void ProbabilityWaitExceeds_AtZero_IsProbabilityOfWait()
    {
        var model = new ErlangA(100, 1, 1, 100);

        Assert.Equal(model.ProbabilityOfWait, model.ProbabilityWaitExceeds(0), 1e-12);
    }

    [Fact]
    public void ProbabilityWaitExceeds_Integrated_GivesMeanWait()
    {
        var model = new ErlangA(48, 1, 0.5, 50);

        // E[W] = ∫ P(W > t) dt, by Simpson's rule out to where the tail is negligible.
        const int steps = 400;
        const double end = 2.0;
        var h = end / steps;
        var sum = model.ProbabilityWaitExceeds(0) + model.ProbabilityWaitExceeds(end);
        for (var i = 1; i < steps; i++) sum += (i % 2 == 1 ? 4 : 2) * model.ProbabilityWaitExceeds(i * h);
        Assert.Equal(model.MeanWait, sum * h / 3, 1e-6);
    }

    [Fact]
    public void AnsweredAndAbandonedWithin_Long_ReachTheirTotals()
    {
        var model = new ErlangA(48, 1, 0.5, 50);

        Assert.Equal(model.ProbabilityOfAbandon, model.ProbabilityAbandonedWithin(5), 1e-9);
        Assert.Equal(1 - model.ProbabilityOfAbandon, model.ProbabilityAnsweredWithin(5), 1e-9);
        Assert.InRange(model.ServiceLevel(20 / 60.0), 0.5, 1);
    }

    [Fact]
    public void Constructor_UnstableWithoutAbandonment_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ErlangA(50, 1, 0, 50));
    }

    private void Describe(ErlangA model) =>
        output.WriteLine($"P(wait>0)={model.ProbabilityOfWait:0.000000} P(abandon)={model.ProbabilityOfAbandon:0.000000} " +
            $"E[W]={model.MeanWait:0.000000} ASA={model.AverageSpeedOfAnswer:0.000000} SL(20s)={model.ServiceLevel(1 / 3.0):0.0000} " +
            $"bound={model.TruncationBound:E1}");
}

using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class WaitMeterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Snapshot_MixedEvents_ComputesWindowFigures()
    {
        var meter = new WaitMeter(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(20));
        for (var i = 0; i < 10; i++) meter.Arrived(T0.AddMinutes(i));
        meter.Answered(T0.AddMinutes(1), TimeSpan.FromSeconds(10));
        meter.Answered(T0.AddMinutes(2), TimeSpan.FromSeconds(50));
        meter.Answered(T0.AddMinutes(3), TimeSpan.FromSeconds(30));
        meter.Abandoned(T0.AddMinutes(4), TimeSpan.FromSeconds(5));
        meter.Abandoned(T0.AddMinutes(5), TimeSpan.FromSeconds(85));
        meter.Handled(T0.AddMinutes(6), TimeSpan.FromMinutes(3));
        meter.Handled(T0.AddMinutes(7), TimeSpan.FromMinutes(5));
        meter.CallbackBooked(T0.AddMinutes(8));

        var s = meter.Snapshot(T0.AddMinutes(10));

        Assert.Equal(10, s.Arrivals);
        Assert.Equal(3, s.Answered);
        Assert.Equal(2, s.Abandoned);
        Assert.Equal(1, s.CallbacksBooked);
        Assert.Equal(1.0, s.ArrivalRate, 1e-9);
        Assert.Equal(0.4, s.AbandonmentRate, 1e-9);
        Assert.Equal(TimeSpan.FromMinutes(4), s.MeanHandleTime);
        // Answered within 20 s: 1; base = 3 answered + 1 abandoned after 20 s (the 5 s abandon is left out).
        Assert.Equal(0.25, s.ServiceLevel!.Value, 1e-9);
        Assert.Equal(TimeSpan.FromSeconds(30), s.AverageSpeedOfAnswer);
        // θ̂ = 2 abandonments / (10+50+30+5+85 s = 3 min of waiting).
        Assert.Equal(2 / 3.0, s.PatienceRate!.Value, 1e-9);
        Assert.Equal(TimeSpan.FromMinutes(1.5), s.EstimatedPatience);
    }

    [Fact]
    public void Snapshot_AfterWindow_ForgetsOldEvents()
    {
        var meter = new WaitMeter(TimeSpan.FromMinutes(15));
        meter.Arrived(T0);
        meter.Abandoned(T0, TimeSpan.FromMinutes(1));
        meter.Arrived(T0.AddMinutes(20));
        meter.Answered(T0.AddMinutes(20), TimeSpan.FromMinutes(1));

        var s = meter.Snapshot(T0.AddMinutes(25));

        Assert.Equal(1, s.Arrivals);
        Assert.Equal(0, s.Abandoned);
        Assert.Equal(0, s.AbandonmentRate);
        Assert.Null(s.EstimatedPatience);
        Assert.Equal(1 / 15.0, s.ArrivalRate, 1e-9);
    }

    [Fact]
    public void Snapshot_ManyEvents_StaysBoundedByWindow()
    {
        var meter = new WaitMeter(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100_000; i++) meter.Arrived(T0.AddSeconds(i));

        var s = meter.Snapshot(T0.AddSeconds(100_000));

        Assert.Equal(59, s.Arrivals);
    }

    [Fact]
    public void PatienceRate_ExponentialPatienceWithCensoring_RecoversTheta()
    {
        // Callers with exponential patience (mean 2 min), answered after a fixed 1.5 min unless they gave up first.
        var random = new Random(3);
        var meter = new WaitMeter(TimeSpan.FromDays(1));
        for (var i = 0; i < 20_000; i++)
        {
            var at = T0.AddSeconds(i);
            var patience = -Math.Log(1 - random.NextDouble()) * 2;
            if (patience < 1.5) meter.Abandoned(at, TimeSpan.FromMinutes(patience));
            else meter.Answered(at, TimeSpan.FromMinutes(1.5));
        }

        var s = meter.Snapshot(T0.AddSeconds(20_000));

        Assert.Equal(0.5, s.PatienceRate!.Value, 0.02);
    }
}

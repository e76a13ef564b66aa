using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class RtpReceiverStatsTests
{
    [Fact]
    public void UpdateSequence_InOrder_NoLossAfterProbation()
    {
        var stats = new RtpReceiverStats();

        var valid = Enumerable.Range(1, 100).Select(s => stats.UpdateSequence((ushort)s)).ToArray();

        Assert.False(valid[0]);
        Assert.All(valid.Skip(1), Assert.True);
        Assert.Equal(99, stats.Received);
        Assert.Equal(99, stats.Expected);
        Assert.Equal(0, stats.Lost);
        Assert.Equal(100u, stats.ExtendedHighestSequence);
    }

    [Fact]
    public void UpdateSequence_Gap_CountsLostAndFraction()
    {
        var stats = new RtpReceiverStats(minSequential: 1);
        for (var s = 0; s < 100; s++)
        {
            if (s is < 40 or >= 50)
            {
                stats.UpdateSequence((ushort)s);
            }
        }

        Assert.Equal(10, stats.Lost);
        Assert.Equal((byte)(10 * 256 / 100), stats.TakeFractionLost());
        Assert.Equal(0, stats.TakeFractionLost());
    }

    [Fact]
    public void UpdateSequence_WrapsAt65536_CountsCycles()
    {
        var stats = new RtpReceiverStats(minSequential: 1);
        for (var i = 0; i < 20; i++)
        {
            stats.UpdateSequence(unchecked((ushort)(65530 + i)));
        }

        Assert.Equal(65536u + 13, stats.ExtendedHighestSequence);
        Assert.Equal(20, stats.Expected);
        Assert.Equal(0, stats.Lost);
    }

    [Fact]
    public void UpdateSequence_ReorderedAndDuplicate_DoNotMoveHighest()
    {
        var stats = new RtpReceiverStats(minSequential: 1);
        foreach (var s in new ushort[] { 10, 11, 13, 12, 13, 14 })
        {
            stats.UpdateSequence(s);
        }

        Assert.Equal(14u, stats.ExtendedHighestSequence);
        Assert.Equal(6, stats.Received);
        Assert.Equal(-1, stats.Lost);
        Assert.Equal(0, stats.TakeFractionLost());
    }

    [Fact]
    public void UpdateSequence_LargeJumpConfirmed_RestartsSource()
    {
        var stats = new RtpReceiverStats(minSequential: 1);
        stats.UpdateSequence(100);
        stats.UpdateSequence(101);

        Assert.False(stats.UpdateSequence(40000));
        Assert.True(stats.UpdateSequence(40001));

        Assert.Equal(1, stats.Received);
        Assert.Equal(40001u, stats.ExtendedHighestSequence);
        Assert.Equal(0, stats.Lost);
    }

    [Fact]
    public void UpdateSequence_ProbationBroken_StartsOver()
    {
        var stats = new RtpReceiverStats(minSequential: 2);

        Assert.False(stats.UpdateSequence(10));
        Assert.False(stats.UpdateSequence(20));
        Assert.True(stats.UpdateSequence(21));
    }

    [Fact]
    public void UpdateJitter_ConstantTransit_IsZero()
    {
        var stats = new RtpReceiverStats(minSequential: 1);
        for (var i = 0; i < 200; i++)
        {
            stats.Update((ushort)i, (uint)(i * 160), (uint)(5000 + (i * 160)));
        }

        Assert.Equal(0u, stats.Jitter);
    }

    [Fact]
    public void UpdateJitter_AlternatingDelay_ConvergesToDelayDifference()
    {
        // Every packet's transit differs from the previous by 80 units (10 ms at 8 kHz): J tends to 80 (RFC 3550 A.8).
        var stats = new RtpReceiverStats(minSequential: 1);
        for (var i = 0; i < 500; i++)
        {
            var arrival = (uint)((i * 160) + (i % 2 == 0 ? 0 : 80));
            stats.Update((ushort)i, (uint)(i * 160), arrival);
        }

        Assert.InRange(stats.Jitter, 76u, 80u);
    }

    [Fact]
    public void UpdateJitter_TimestampWrap_DoesNotSpike()
    {
        var stats = new RtpReceiverStats(minSequential: 1);
        for (var i = 0; i < 50; i++)
        {
            var ts = unchecked(uint.MaxValue - 1000 + (uint)(i * 160));
            stats.Update((ushort)i, ts, unchecked(ts + 12345));
        }

        Assert.Equal(0u, stats.Jitter);
    }
}

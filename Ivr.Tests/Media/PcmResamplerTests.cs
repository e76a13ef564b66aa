using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class PcmResamplerTests
{
    [Theory]
    [InlineData(16000)]
    [InlineData(22050)]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(11025)]
    public void Resample_ConstantSignal_StaysConstantAwayFromEdges(int inputRate)
    {
        var input = Enumerable.Repeat((short)1000, inputRate).ToArray();

        var output = PcmResampler.Resample(input, inputRate, 8000);

        Assert.Equal(8000, output.Length);
        Assert.All(output.AsSpan(100, 7800).ToArray(), s => Assert.InRange(s, 999, 1001));
    }

    [Fact]
    public void Resample_Upsample8kTo16k_KeepsToneAndLength()
    {
        var input = Signal.Sine(1000, 8000, 8000);

        var output = PcmResampler.Resample(input, 8000, 16000);

        Assert.Equal(16000, output.Length);
        Assert.InRange(Signal.Rms(output.AsSpan(200, 15600)), 10000 / Math.Sqrt(2) * 0.97, 10000 / Math.Sqrt(2) * 1.03);
    }

    [Fact]
    public void Resample_SameRate_ReturnsCopy()
    {
        short[] input = [1, 2, 3];

        var output = PcmResampler.Resample(input, 8000, 8000);

        Assert.Equal(input, output);
        Assert.NotSame(input, output);
    }

    [Fact]
    public void Resample_UnusualRatio_UsesUntabulatedPathAndKeepsTone()
    {
        // 22,051 Hz needs 8000 phases: coefficients are computed per output sample instead of tabulated.
        var input = Signal.Sine(500, 22051, 22051);

        var output = PcmResampler.Resample(input, 22051, 8000);

        Assert.InRange(output.Length, 7999, 8000);
        Assert.True(Signal.PowerAt(output.AsSpan(200, 7600), 500, 8000) > 1000 * Signal.PowerAt(output.AsSpan(200, 7600), 1500, 8000));
    }
}

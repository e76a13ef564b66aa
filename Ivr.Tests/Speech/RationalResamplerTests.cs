using Ivr.Engine.Speech;

namespace Ivr.Tests.Speech;

public class RationalResamplerTests
{
    [Theory]
    [InlineData(8000, 16000, 1000)]
    [InlineData(8000, 16000, 3000)]
    [InlineData(16000, 8000, 1000)]
    [InlineData(22050, 8000, 1000)]
    [InlineData(22050, 8000, 3000)]
    public void ResampleAll_InBandTone_KeepsFrequencyAndLevel(int from, int to, double hz)
    {
        var input = Tone(hz, from, 1.0, 10000);

        var output = RationalResampler.ResampleAll(input, from, to);

        Assert.InRange(output.Length, to - 2, to + 2);
        var level = Level(output.AsSpan(to / 10, to * 8 / 10), hz, to);
        Assert.InRange(level, 10000 * 0.97, 10000 * 1.03);
    }

    [Theory]
    [InlineData(22050, 8000, 6000)] // would alias to 2 kHz
    [InlineData(16000, 8000, 5000)] // would alias to 3 kHz
    public void ResampleAll_ToneAboveOutputNyquist_Suppressed(int from, int to, double hz)
    {
        var input = Tone(hz, from, 1.0, 10000);

        var output = RationalResampler.ResampleAll(input, from, to);

        var alias = to - hz % to;
        var level = Level(output.AsSpan(to / 10, to * 8 / 10), Math.Abs(alias), to);
        Assert.True(level < 10000 * 0.003, $"alias at {alias} Hz has amplitude {level:F1} (> −50 dB)");
    }

    [Fact]
    public void Upsample_8kTo16k_ImageSuppressed()
    {
        var input = Tone(3000, 8000, 1.0, 10000);

        var output = RationalResampler.ResampleAll(input, 8000, 16000);

        var image = Level(output.AsSpan(1600, 12800), 5000, 16000);
        Assert.True(image < 10000 * 0.003, $"image at 5 kHz has amplitude {image:F1} (> −50 dB)");
    }

    [Fact]
    public void Process_InFrames_SameAsOneBlock()
    {
        var input = Tone(700, 8000, 0.5, 8000);
        var block = new RationalResampler(8000, 16000);
        var whole = new short[block.MaxOutput(input.Length)];
        var n = block.Process(input, whole);

        var framed = new RationalResampler(8000, 16000);
        var parts = new List<short>();
        var buffer = new short[framed.MaxOutput(160)];
        for (var i = 0; i < input.Length; i += 160)
        {
            var m = framed.Process(input.AsSpan(i, 160), buffer);
            parts.AddRange(buffer.AsSpan(0, m).ToArray());
        }

        Assert.Equal(whole.AsSpan(0, n).ToArray(), parts.ToArray());
        Assert.Equal(input.Length * 2, n + (framed.DelayInputSamples * 0)); // steady state: exactly 2 out per in
    }

    private static short[] Tone(double hz, int rate, double seconds, double amplitude)
    {
        var s = new short[(int)(rate * seconds)];
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        }

        return s;
    }

    // Amplitude of the component at hz (single-bin DFT over the span).
    private static double Level(ReadOnlySpan<short> x, double hz, int rate)
    {
        double re = 0, im = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var ph = 2 * Math.PI * hz * i / rate;
            re += x[i] * Math.Cos(ph);
            im += x[i] * Math.Sin(ph);
        }

        return 2 * Math.Sqrt((re * re) + (im * im)) / x.Length;
    }
}

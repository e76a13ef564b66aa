namespace Ivr.Tests.Media;

/// <summary>Small signal measurements for audio assertions.</summary>
internal static class Signal
{
    /// <summary>Power of one frequency (Goertzel), normalised per sample.</summary>
    public static double PowerAt(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return power / samples.Length / samples.Length;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var x in samples)
        {
            sum += (double)x * x;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    public static short[] Sine(double frequency, int sampleRate, int count, double amplitude = 10000)
    {
        var result = new short[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return result;
    }
}

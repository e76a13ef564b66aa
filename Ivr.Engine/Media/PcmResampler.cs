namespace Ivr.Engine.Media;

/// <summary>
/// Rational-ratio sample-rate converter for 16-bit mono PCM: a Kaiser-windowed sinc low-pass evaluated in
/// polyphase form (linear phase), used to bring prompts such as espeak-ng's 22,050 Hz output to 8 kHz.
/// </summary>
public static class PcmResampler
{
    // Zero crossings of the sinc on each side, Kaiser beta and passband edge (fraction of the lower Nyquist):
    // together about 80 dB of stop-band rejection with a flat passband to 3.6 kHz at 8 kHz output.
    private const int ZeroCrossings = 16;
    private const double KaiserBeta = 8.0;
    private const double Rolloff = 0.9;
    private const int MaxTabulatedPhases = 2048;

    /// <summary>Converts <paramref name="input"/> sampled at <paramref name="inputRate"/> Hz to <paramref name="outputRate"/> Hz.</summary>
    public static short[] Resample(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        var gcd = Gcd(inputRate, outputRate);
        var up = outputRate / gcd;
        var down = inputRate / gcd;

        // Cutoff in cycles per input sample: below the lower of the two Nyquist frequencies.
        var cutoff = 0.5 * Math.Min(1.0, (double)outputRate / inputRate) * Rolloff;
        var halfTaps = (int)Math.Ceiling(ZeroCrossings / (2 * cutoff));
        var taps = 2 * halfTaps;
        var outputLength = (int)((long)input.Length * up / down);
        var output = new short[outputLength];

        float[]? table = null;
        if (up <= MaxTabulatedPhases)
        {
            table = new float[up * taps];
            for (var phase = 0; phase < up; phase++)
            {
                FillPhase(table.AsSpan(phase * taps, taps), (double)phase / up, halfTaps, cutoff);
            }
        }

        var scratch = table is null ? new float[taps] : null;
        for (var n = 0; n < outputLength; n++)
        {
            var position = (long)n * down;
            var index = (int)(position / up);
            var phase = (int)(position % up);
            ReadOnlySpan<float> coefficients;
            if (table is not null)
            {
                coefficients = table.AsSpan(phase * taps, taps);
            }
            else
            {
                FillPhase(scratch, (double)phase / up, halfTaps, cutoff);
                coefficients = scratch;
            }

            // Tap j covers input sample index + j - halfTaps + 1.
            var first = index - halfTaps + 1;
            var lo = Math.Max(0, -first);
            var hi = Math.Min(taps, input.Length - first);
            double sum = 0;
            for (var j = lo; j < hi; j++)
            {
                sum += coefficients[j] * input[first + j];
            }

            output[n] = (short)Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue);
        }

        return output;
    }

    private static void FillPhase(Span<float> destination, double fraction, int halfTaps, double cutoff)
    {
        double total = 0;
        for (var j = 0; j < destination.Length; j++)
        {
            // Distance from the output instant (index + fraction) to input sample (index + j - halfTaps + 1).
            var x = fraction - (j - halfTaps + 1);
            var value = 2 * cutoff * Sinc(2 * cutoff * x) * Kaiser(x / halfTaps);
            destination[j] = (float)value;
            total += value;
        }

        // Unity gain at DC for every phase, so a constant input stays constant.
        if (total != 0)
        {
            for (var j = 0; j < destination.Length; j++)
            {
                destination[j] = (float)(destination[j] / total);
            }
        }
    }

    private static double Sinc(double x) => Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double Kaiser(double t)
    {
        if (t <= -1 || t >= 1)
        {
            return 0;
        }

        return BesselI0(KaiserBeta * Math.Sqrt(1 - (t * t))) / BesselI0(KaiserBeta);
    }

    private static double BesselI0(double x)
    {
        // Power series of the modified Bessel function of the first kind, order zero.
        double sum = 1, term = 1;
        var half = x / 2;
        for (var k = 1; k < 50; k++)
        {
            term *= half / k;
            var square = term * term;
            sum += square;
            if (square < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}

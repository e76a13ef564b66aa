namespace Ivr.Engine.Speech;

/// <summary>
/// A streaming polyphase resampler by a rational factor L/M (upsample by L, low-pass, keep every M-th sample), with a
/// Kaiser-windowed-sinc prototype filter designed here; used for 8 → 16 kHz (telephone → acoustic model),
/// 16 → 8 kHz and 22,050 → 8,000 Hz (espeak-ng → G.711).
/// </summary>
/// <remarks>
/// The prototype runs at L × input rate with cutoff at <c>rolloff × min(in, out) / 2</c>; its length is
/// <c>L × tapsPerPhase</c>, so each output sample costs <c>tapsPerPhase</c> multiply-adds. Output is delayed by
/// <see cref="DelayInputSamples"/> input samples; <see cref="Flush"/> pushes the tail out. Not thread-safe.
/// </remarks>
internal sealed class RationalResampler
{
    private readonly int _l;
    private readonly int _m;
    private readonly int _taps;
    private readonly float[] _phases; // [phase r][tap k], tap k multiplies x[q - k]
    private float[] _buffer;          // input history: _buffer[0] holds absolute input index _bufferStart
    private int _bufferCount;
    private long _bufferStart;
    private long _q;                  // input index of the next output
    private int _r;                   // polyphase branch of the next output

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> Hz.</summary>
    public RationalResampler(int inputRate, int outputRate, int tapsPerPhase = 64, double rolloff = 0.92, double kaiserBeta = 8.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        var g = Gcd(inputRate, outputRate);
        _l = outputRate / g;
        _m = inputRate / g;
        // Downsampling needs a longer filter (in input samples) for the same transition width at the output rate.
        _taps = Math.Max(8, (int)Math.Ceiling(tapsPerPhase * Math.Max(1.0, (double)_m / _l)));
        InputRate = inputRate;
        OutputRate = outputRate;
        _phases = Design(_l, _m, _taps, rolloff, kaiserBeta);
        _buffer = new float[_taps * 4 + 1024];
        Reset();
    }

    /// <summary>Input sample rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>Output sample rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>Group delay of the filter, in input samples.</summary>
    public int DelayInputSamples => _taps / 2;

    /// <summary>Forgets all history (as if freshly created).</summary>
    public void Reset()
    {
        // Start with taps-1 zeros of history so the first output lines up with the first input sample.
        Array.Clear(_buffer);
        _bufferCount = _taps - 1;
        _bufferStart = 0;
        _q = _taps - 1;
        _r = 0;
    }

    /// <summary>Upper bound of output samples produced for <paramref name="inputLength"/> more input samples.</summary>
    public int MaxOutput(int inputLength) => (int)(((long)inputLength * _l + _m - 1) / _m) + 2;

    /// <summary>Consumes <paramref name="input"/> and writes the samples now computable to <paramref name="output"/>.</summary>
    /// <returns>The number of samples written.</returns>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        Append(input);
        var written = 0;
        var last = _bufferStart + _bufferCount - 1;
        var phases = _phases.AsSpan();
        var buffer = _buffer.AsSpan();
        while (_q <= last)
        {
            if (written == output.Length)
            {
                throw new ArgumentException("Output span too small; size it with MaxOutput().", nameof(output));
            }

            var h = phases.Slice(_r * _taps, _taps);
            var end = (int)(_q - _bufferStart);
            var x = buffer.Slice(end - _taps + 1, _taps);
            // h[k] multiplies x[q-k]: x is in ascending time, so walk it backwards.
            float acc = 0;
            for (var k = 0; k < _taps; k++)
            {
                acc += h[k] * x[_taps - 1 - k];
            }

            output[written++] = Saturate(acc);
            _r += _m;
            _q += _r / _l;
            _r %= _l;
        }

        Compact();
        return written;
    }

    /// <summary>Feeds zeros through the filter so the last real input reaches the output.</summary>
    /// <returns>The number of samples written.</returns>
    public int Flush(Span<short> output)
    {
        Span<short> zeros = stackalloc short[_taps];
        return Process(zeros[..(DelayInputSamples + 1)], output);
    }

    /// <summary>Resamples a whole signal (with flush and delay compensation) in one call.</summary>
    public static short[] ResampleAll(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        var rs = new RationalResampler(inputRate, outputRate);
        var tmp = new short[rs.MaxOutput(input.Length + rs._taps) + 4];
        var n = rs.Process(input, tmp);
        n += rs.Flush(tmp.AsSpan(n));
        var skip = (int)Math.Round((double)rs.DelayInputSamples * outputRate / inputRate);
        var length = (int)((long)input.Length * outputRate / inputRate);
        skip = Math.Min(skip, n);
        length = Math.Min(length, n - skip);
        return tmp.AsSpan(skip, length).ToArray();
    }

    private void Append(ReadOnlySpan<short> input)
    {
        if (_bufferCount + input.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _bufferCount + input.Length));
        }

        var dst = _buffer.AsSpan(_bufferCount, input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            dst[i] = input[i];
        }

        _bufferCount += input.Length;
    }

    private void Compact()
    {
        // Keep only the taps-1 samples before the next output's newest input.
        var keepFrom = (int)Math.Min(_q - _taps + 1 - _bufferStart, _bufferCount);
        if (keepFrom <= 0)
        {
            return;
        }

        _buffer.AsSpan(keepFrom, _bufferCount - keepFrom).CopyTo(_buffer);
        _bufferCount -= keepFrom;
        _bufferStart += keepFrom;
    }

    private static short Saturate(float v)
    {
        var r = MathF.Round(v);
        return r > short.MaxValue ? short.MaxValue : r < short.MinValue ? short.MinValue : (short)r;
    }

    private static float[] Design(int l, int m, int taps, double rolloff, double beta)
    {
        var n = l * taps;
        var cutoff = rolloff * 0.5 / Math.Max(l, m); // cycles per prototype sample
        var center = (n - 1) / 2.0;
        var proto = new double[n];
        var i0Beta = BesselI0(beta);
        for (var i = 0; i < n; i++)
        {
            var t = i - center;
            var sinc = t == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
            var ratio = 2.0 * i / (n - 1) - 1.0;
            var window = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - ratio * ratio))) / i0Beta;
            proto[i] = sinc * window;
        }

        // Normalise each branch to unit DC gain so upsampling keeps the level and no phase ripples.
        var phases = new float[n];
        for (var r = 0; r < l; r++)
        {
            double sum = 0;
            for (var k = 0; k < taps; k++)
            {
                sum += proto[r + k * l];
            }

            for (var k = 0; k < taps; k++)
            {
                phases[r * taps + k] = (float)(proto[r + k * l] / sum);
            }
        }

        return phases;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 50; k++)
        {
            term *= half / k * (half / k);
            sum += term;
            if (term < 1e-12 * sum)
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

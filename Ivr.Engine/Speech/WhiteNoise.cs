namespace Ivr.Engine.Speech;

/// <summary>
/// Seeded uniform white noise added to upsampled telephone audio: the 16 kHz model was trained on wideband audio with
/// a noise floor, and band-limited audio with empty 4–8 kHz (or digital silence) throws off its feature normalisation.
/// </summary>
internal sealed class WhiteNoise
{
    private readonly int _peak;
    private uint _state;

    public WhiteNoise(int seed, double level)
    {
        _state = seed == 0 ? 0x9E3779B9u : (uint)seed;
        _peak = (int)Math.Round(level * short.MaxValue);
    }

    /// <summary>Adds noise in [−peak, +peak] to every sample, saturating.</summary>
    public void AddTo(Span<short> samples)
    {
        if (_peak == 0)
        {
            return;
        }

        var span = 2 * _peak + 1;
        for (var i = 0; i < samples.Length; i++)
        {
            // xorshift32: fast, stateful, reproducible.
            var x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            var v = samples[i] + (int)(x % (uint)span) - _peak;
            samples[i] = (short)Math.Clamp(v, short.MinValue, short.MaxValue);
        }
    }
}

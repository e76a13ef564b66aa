using Ivr.Engine.Media;

namespace Ivr.Engine.Demo;

/// <summary>
/// What the simulated people "say": a voiced buzz (harmonics of a 120–220 Hz pitch) shaped into syllables and pauses, so
/// the RTP they send has the level and rhythm of speech without shipping recordings of anyone.
/// </summary>
internal static class DemoVoice
{
    /// <summary>A clip of about <paramref name="seconds"/> seconds with pitch <paramref name="pitchHz"/>.</summary>
    public static AudioClip Create(double seconds, double pitchHz, string name)
    {
        var rate = WavFile.TargetSampleRate;
        var samples = new short[(int)(seconds * rate)];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = i / (double)rate;
            // Four syllables a second, a breath every two seconds.
            var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
            var phrase = (t % 2.0) < 1.7 ? 1.0 : 0.0;
            var pitch = pitchHz * (1 + 0.08 * Math.Sin(2 * Math.PI * 0.7 * t));
            double v = 0;
            for (var h = 1; h <= 6; h++) v += Math.Sin(2 * Math.PI * pitch * h * t) / h;
            samples[i] = (short)(3000 * syllable * phrase * v);
        }

        return new AudioClip(samples, name);
    }
}

namespace Ivr.Engine.Media;

/// <summary>
/// A prompt as 8 kHz mono PCM, shared by every call that plays it; its G.711 encodings are computed once on
/// first use so the pacing loop only slices bytes (RFC 3551 §4.5.14).
/// </summary>
public sealed class AudioClip
{
    private byte[]? _muLaw;
    private byte[]? _aLaw;

    /// <summary>Wraps 8 kHz mono PCM samples.</summary>
    public AudioClip(ReadOnlyMemory<short> samples, string? name = null)
    {
        Samples = samples;
        Name = name ?? string.Empty;
    }

    /// <summary>A name for logs (file path or prompt id).</summary>
    public string Name { get; }

    /// <summary>The audio as 8 kHz mono PCM.</summary>
    public ReadOnlyMemory<short> Samples { get; }

    /// <summary>Playing time at 8 kHz.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(Samples.Length / (double)WavFile.TargetSampleRate);

    /// <summary>Loads a WAV prompt (see <see cref="WavFile.Read(string)"/>).</summary>
    public static AudioClip FromWav(string path) => new(WavFile.Read(path), path);

    /// <summary>The clip encoded with <paramref name="codec"/>, computed once and cached (thread-safe).</summary>
    public ReadOnlyMemory<byte> GetEncoded(AudioCodec codec)
    {
        ref var slot = ref codec == AudioCodec.Pcmu ? ref _muLaw : ref _aLaw;
        var cached = Volatile.Read(ref slot);
        if (cached is not null)
        {
            return cached;
        }

        var encoded = new byte[Samples.Length];
        G711.Encode(codec, Samples.Span, encoded);
        return Interlocked.CompareExchange(ref slot, encoded, null) ?? encoded;
    }
}

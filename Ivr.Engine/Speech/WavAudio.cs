using System.Buffers.Binary;

namespace Ivr.Engine.Speech;

/// <summary>Mono PCM16 audio read from or written to a RIFF/WAVE file.</summary>
/// <param name="Samples">The samples (multi-channel input is mixed down to mono).</param>
/// <param name="SampleRate">Samples per second.</param>
internal sealed record WavAudio(short[] Samples, int SampleRate)
{
    /// <summary>Reads a 16-bit PCM WAV, walking its chunks; sizes of 0 or 0xFFFFFFFF (streamed espeak-ng output) mean "to the end".</summary>
    public static WavAudio Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int channels = 0, rate = 0, bits = 0;
        var pos = 12;
        while (pos + 8 <= file.Length)
        {
            var id = file.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + 4, 4));
            var body = pos + 8;
            var available = file.Length - body;
            var length = size == 0 || size > available ? available : (int)size;
            if (id.SequenceEqual("fmt "u8))
            {
                var fmt = file.Slice(body, length);
                var format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format != 1 && format != 0xFFFE)
                {
                    throw new InvalidDataException($"Unsupported WAV format {format}; expected PCM.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (bits != 16 || channels < 1)
                {
                    throw new InvalidDataException("Expected 16-bit PCM audio with a fmt chunk first.");
                }

                var data = file.Slice(body, length);
                var frames = data.Length / (2 * channels);
                var samples = new short[frames];
                for (var i = 0; i < frames; i++)
                {
                    var sum = 0;
                    for (var c = 0; c < channels; c++)
                    {
                        sum += BinaryPrimitives.ReadInt16LittleEndian(data[(((i * channels) + c) * 2)..]);
                    }

                    samples[i] = (short)(sum / channels);
                }

                return new WavAudio(samples, rate);
            }

            pos = body + length + (length & 1);
        }

        throw new InvalidDataException("WAV file has no data chunk.");
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static WavAudio Read(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Serialises as a canonical 44-byte-header mono PCM16 WAV.</summary>
    public byte[] ToBytes()
    {
        var dataBytes = Samples.Length * 2;
        var bytes = new byte[44 + dataBytes];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16);
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], dataBytes);
        for (var i = 0; i < Samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(s[(44 + (i * 2))..], Samples[i]);
        }

        return bytes;
    }

    /// <summary>This audio resampled to <paramref name="rate"/> Hz with the windowed-sinc resampler.</summary>
    public WavAudio Resample(int rate) =>
        rate == SampleRate ? this : new WavAudio(RationalResampler.ResampleAll(Samples, SampleRate, rate), rate);
}

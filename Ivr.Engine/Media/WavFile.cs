using System.Buffers.Binary;

namespace Ivr.Engine.Media;

/// <summary>
/// Reads RIFF/WAVE prompts (PCM16, 8-bit PCM, G.711 A-law format 6, µ-law format 7, or WAVE_FORMAT_EXTENSIBLE
/// wrapping those) into 8 kHz mono PCM, mixing channels down and resampling other rates.
/// </summary>
public static class WavFile
{
    /// <summary>The sample rate every prompt is converted to (RFC 3551 §4.5.14: G.711 is 8 kHz).</summary>
    public const int TargetSampleRate = 8000;

    private const ushort FormatPcm = 1;
    private const ushort FormatALaw = 6;
    private const ushort FormatMuLaw = 7;
    private const ushort FormatExtensible = 0xFFFE;
    private const int MaxFileBytes = 512 * 1024 * 1024;

    /// <summary>Reads a WAV file into 8 kHz mono PCM; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static short[] Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a whole WAV stream (possibly non-seekable, e.g. <c>espeak-ng --stdout</c>) into 8 kHz mono PCM.</summary>
    public static short[] Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (buffer.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"WAV stream is larger than {MaxFileBytes} bytes.");
        }

        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// Parses WAV bytes into 8 kHz mono PCM. RIFF and data sizes larger than the bytes present (streaming placeholders)
    /// are clipped to the real length.
    /// </summary>
    public static short[] Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12)
        {
            throw new InvalidDataException($"Too short for a RIFF header ({file.Length} bytes).");
        }

        if (!file[..4].SequenceEqual("RIFF"u8))
        {
            throw new InvalidDataException(file[..4].SequenceEqual("RIFX"u8)
                ? "Big-endian RIFX files are not supported."
                : "Not a RIFF file (missing 'RIFF' signature).");
        }

        if (!file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("RIFF file is not of type 'WAVE'.");
        }

        WavFormat? format = null;
        var offset = 12;
        while (offset + 8 <= file.Length)
        {
            var id = file.Slice(offset, 4);
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(offset + 4, 4));
            var bodyStart = offset + 8;
            var remaining = file.Length - bodyStart;

            if (id.SequenceEqual("fmt "u8))
            {
                if (declared > (uint)remaining)
                {
                    throw new InvalidDataException($"'fmt ' chunk claims {declared} bytes but only {remaining} remain.");
                }

                format = ParseFormat(file.Slice(bodyStart, (int)declared));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new InvalidDataException("'data' chunk comes before the 'fmt ' chunk.");
                }

                var length = (int)Math.Min(declared, (uint)remaining);
                return Decode(file.Slice(bodyStart, length), format.Value);
            }
            else if (declared > (uint)remaining)
            {
                throw new InvalidDataException(
                    $"Chunk '{ChunkName(id)}' claims {declared} bytes but only {remaining} remain.");
            }

            // RIFF chunks are word-aligned: an odd-sized body is followed by one pad byte.
            offset = bodyStart + (int)declared + (int)(declared & 1);
        }

        throw new InvalidDataException(format is null ? "No 'fmt ' chunk." : "No 'data' chunk.");
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> body)
    {
        if (body.Length < 16)
        {
            throw new InvalidDataException($"'fmt ' chunk is {body.Length} bytes; at least 16 are required.");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);

        if (tag == FormatExtensible)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the SubFormat GUID at offset 24.
            if (body.Length < 40)
            {
                throw new InvalidDataException("WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is shorter than 40 bytes.");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]);
        }

        if (channels == 0 || channels > 8)
        {
            throw new InvalidDataException($"Unsupported channel count {channels} (1 to 8 are read, mixed to mono).");
        }

        if (rate is 0 or > 384_000)
        {
            throw new InvalidDataException($"Unsupported sample rate {rate} Hz.");
        }

        var bytesPerSample = (tag, bits) switch
        {
            (FormatPcm, 16) => 2,
            (FormatPcm, 8) => 1,
            (FormatALaw, 8) => 1,
            (FormatMuLaw, 8) => 1,
            (FormatPcm or FormatALaw or FormatMuLaw, _) =>
                throw new InvalidDataException($"Unsupported sample size: {bits} bits for format {tag}."),
            _ => throw new InvalidDataException(
                $"Unsupported WAV format tag {tag} (PCM 1, A-law 6 and µ-law 7 are read)."),
        };

        if (blockAlign != bytesPerSample * channels)
        {
            throw new InvalidDataException(
                $"Block align {blockAlign} does not match {channels} channel(s) of {bits}-bit samples.");
        }

        return new WavFormat(tag, channels, (int)rate, bytesPerSample);
    }

    private static short[] Decode(ReadOnlySpan<byte> data, WavFormat format)
    {
        var frameBytes = format.BytesPerSample * format.Channels;
        var frames = data.Length / frameBytes;
        var mono = new short[frames];
        for (var f = 0; f < frames; f++)
        {
            var frame = data.Slice(f * frameBytes, frameBytes);
            var sum = 0;
            for (var c = 0; c < format.Channels; c++)
            {
                sum += DecodeSample(frame.Slice(c * format.BytesPerSample, format.BytesPerSample), format.Tag);
            }

            mono[f] = (short)(sum / format.Channels);
        }

        return format.SampleRate == TargetSampleRate
            ? mono
            : PcmResampler.Resample(mono, format.SampleRate, TargetSampleRate);
    }

    private static short DecodeSample(ReadOnlySpan<byte> sample, ushort tag) => tag switch
    {
        FormatALaw => G711.DecodeALaw(sample[0]),
        FormatMuLaw => G711.DecodeMuLaw(sample[0]),
        _ when sample.Length == 2 => BinaryPrimitives.ReadInt16LittleEndian(sample),

        // 8-bit PCM is unsigned with 128 as silence.
        _ => (short)((sample[0] - 128) << 8),
    };

    private static string ChunkName(ReadOnlySpan<byte> id)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }

        return new string(chars);
    }

    private readonly record struct WavFormat(ushort Tag, int Channels, int SampleRate, int BytesPerSample);
}

using System.Buffers.Binary;

namespace Ivr.Engine.Media;

/// <summary>
/// Streams 16-bit mono PCM into a RIFF/WAVE file (8 kHz by default) for recordings; the RIFF and data sizes
/// start as placeholders and are patched when the writer is disposed, if the stream can seek.
/// </summary>
public sealed class WavWriter : IDisposable
{
    private const int HeaderBytes = 44;
    private const uint PlaceholderSize = 0x7FFFFFFF;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private long _dataBytes;
    private bool _disposed;

    /// <summary>Starts a WAV stream on <paramref name="stream"/>, writing the 44-byte header immediately.</summary>
    public WavWriter(Stream stream, int sampleRate = WavFile.TargetSampleRate, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        _stream = stream;
        _leaveOpen = leaveOpen;
        SampleRate = sampleRate;

        Span<byte> header = stackalloc byte[HeaderBytes];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], PlaceholderSize);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], PlaceholderSize);
        _stream.Write(header);
    }

    /// <summary>The sample rate written in the header.</summary>
    public int SampleRate { get; }

    /// <summary>Samples written so far.</summary>
    public long SampleCount => _dataBytes / 2;

    /// <summary>Creates (or truncates) a file and starts a WAV stream in it.</summary>
    public static WavWriter Create(string path, int sampleRate = WavFile.TargetSampleRate) =>
        new(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read), sampleRate);

    /// <summary>Appends samples as little-endian PCM16 without allocating.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> chunk = stackalloc byte[512];
        while (!samples.IsEmpty)
        {
            var count = Math.Min(samples.Length, chunk.Length / 2);
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(chunk[(2 * i)..], samples[i]);
            }

            _stream.Write(chunk[..(2 * count)]);
            _dataBytes += 2 * count;
            samples = samples[count..];
        }
    }

    /// <summary>Flushes buffered bytes to the underlying stream.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Patches the RIFF and data sizes (when the stream can seek) and closes the stream unless asked to leave it open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_stream.CanSeek)
            {
                var end = _stream.Position;
                var data = (uint)Math.Min(_dataBytes, uint.MaxValue - HeaderBytes);
                Span<byte> size = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(size, data + HeaderBytes - 8);
                _stream.Position = 4;
                _stream.Write(size);
                BinaryPrimitives.WriteUInt32LittleEndian(size, data);
                _stream.Position = 40;
                _stream.Write(size);
                _stream.Position = end;
            }

            _stream.Flush();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }
}

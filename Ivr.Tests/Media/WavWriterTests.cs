using System.Buffers.Binary;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public sealed class WavWriterTests : IDisposable
{
    private readonly ExternalTool _tools = new();

    public void Dispose() => _tools.Dispose();

    [Fact]
    public void Dispose_SeekableStream_PatchesSizesAndReadsBack()
    {
        var samples = Signal.Sine(300, 8000, 1000);
        using var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, leaveOpen: true))
        {
            writer.Write(samples.AsSpan(0, 333));
            writer.Write(samples.AsSpan(333));
            Assert.Equal(1000, writer.SampleCount);
        }

        var bytes = stream.ToArray();
        Assert.Equal(44 + 2000, bytes.Length);
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(2000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(samples, WavFile.Parse(bytes));
    }

    [Fact]
    public void Write_NonSeekableStream_LeavesPlaceholdersThatReadersTolerate()
    {
        var samples = Signal.Sine(300, 8000, 160);
        var pipe = new NonSeekableStream();
        using (var writer = new WavWriter(pipe, leaveOpen: true))
        {
            writer.Write(samples);
        }

        var bytes = pipe.ToArray();
        Assert.True(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)) > bytes.Length);
        Assert.Equal(samples, WavFile.Parse(bytes));
    }

    [Fact]
    public void Create_File_IsReadableBySox()
    {
        var path = _tools.PathOf("rec.wav");
        var samples = Signal.Sine(1000, 8000, 4000);
        using (var writer = WavWriter.Create(path))
        {
            writer.Write(samples);
        }

        var info = System.Text.Encoding.ASCII.GetString(ExternalTool.Run("soxi", path));
        var raw = ExternalTool.Run("sox", path, "-t", "raw", "-");

        Assert.Contains("Sample Rate    : 8000", info, StringComparison.Ordinal);
        Assert.Contains("4000 samples", info, StringComparison.Ordinal);
        Assert.Equal(8000, raw.Length);
        Assert.Equal(samples[123], BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(246)));
    }

    [Fact]
    public void Write_AfterDispose_Throws()
    {
        var writer = new WavWriter(new MemoryStream());
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => writer.Write(new short[1]));
    }
}

using System.Buffers.Binary;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public sealed class WavFileTests : IDisposable
{
    private readonly ExternalTool _tools = new();

    public void Dispose() => _tools.Dispose();

    [Fact]
    public void Read_Pcm16At8k_EqualsSoxRawSamples()
    {
        var wav = _tools.PathOf("tone.wav");
        var raw = _tools.PathOf("tone.raw");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", wav, "synth", "0.5", "sine", "440");
        ExternalTool.Run("sox", wav, "-t", "raw", raw);

        var samples = WavFile.Read(wav);

        Assert.Equal(4000, samples.Length);
        Assert.Equal(ToShorts(File.ReadAllBytes(raw)), samples);
    }

    [Theory]
    [InlineData("mu-law", AudioCodec.Pcmu)]
    [InlineData("a-law", AudioCodec.Pcma)]
    public void Read_G711Wav_DecodesLikeHeaderlessFile(string encoding, AudioCodec codec)
    {
        var wav = _tools.PathOf("tone.wav");
        var raw = _tools.PathOf("tone.g711");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "1", "-e", encoding, wav, "synth", "0.25", "sine", "1000");
        ExternalTool.Run("sox", wav, "-t", "raw", "-e", encoding, raw);
        var encoded = File.ReadAllBytes(raw);
        var expected = new short[encoded.Length];
        G711.Decode(codec, encoded, expected);

        var samples = WavFile.Read(wav);

        Assert.Equal(2000, samples.Length);
        Assert.Equal(expected, samples);
        Assert.Equal(7 - (int)codec / 8, FormatTag(File.ReadAllBytes(wav)));
    }

    [Fact]
    public void Read_Pcm16At22050_ResamplesTo8kKeepingTheTone()
    {
        var wav = _tools.PathOf("tone22.wav");
        ExternalTool.Run("sox", "-n", "-r", "22050", "-c", "1", "-b", "16", "-e", "signed-integer", wav, "synth", "1", "sine", "440", "vol", "0.5");

        var samples = WavFile.Read(wav);

        Assert.InRange(samples.Length, 7999, 8001);
        var body = samples.AsSpan(400, 7200);
        Assert.InRange(Signal.Rms(body), 0.5 * 32767 / Math.Sqrt(2) * 0.97, 0.5 * 32767 / Math.Sqrt(2) * 1.03);
        Assert.True(Signal.PowerAt(body, 440, 8000) > 1000 * Signal.PowerAt(body, 1000, 8000));
    }

    [Fact]
    public void Read_ToneAboveNewNyquist_IsFilteredNotAliased()
    {
        // 6 kHz at 22,050 Hz would alias to 2 kHz at 8 kHz without a low-pass; demand about 47 dB of rejection (RMS under 0.3 % of full scale).
        var wav = _tools.PathOf("tone6k.wav");
        ExternalTool.Run("sox", "-n", "-r", "22050", "-c", "1", "-b", "16", "-e", "signed-integer", wav, "synth", "1", "sine", "6000", "vol", "0.5");

        var samples = WavFile.Read(wav);

        Assert.True(Signal.Rms(samples.AsSpan(400, 7200)) < 0.5 * 32767 * 0.003, $"RMS {Signal.Rms(samples.AsSpan(400, 7200))}");
    }

    [Fact]
    public void Read_Stereo_MixesToMono()
    {
        var wav = _tools.PathOf("stereo.wav");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "2", "-b", "16", "-e", "signed-integer", wav, "synth", "0.1", "sine", "500", "sine", "500");

        var samples = WavFile.Read(wav);

        Assert.Equal(800, samples.Length);
        Assert.True(Signal.Rms(samples) > 1000);
    }

    [Fact]
    public void Read_ExtensibleThreeChannelsAt16k_MixesAndResamples()
    {
        // sox writes WAVE_FORMAT_EXTENSIBLE (0xFFFE) for more than two channels; the real tag is in the SubFormat GUID.
        var wav = _tools.PathOf("three.wav");
        ExternalTool.Run("sox", "-n", "-r", "16000", "-c", "3", "-b", "16", "-e", "signed-integer", wav, "synth", "0.5", "sine", "500");
        Assert.Equal(0xFFFE, FormatTag(File.ReadAllBytes(wav)));

        var samples = WavFile.Read(wav);

        Assert.Equal(4000, samples.Length);
        Assert.True(Signal.PowerAt(samples.AsSpan(200, 3600), 500, 8000) > 1000 * Signal.PowerAt(samples.AsSpan(200, 3600), 1500, 8000));
    }

    [Fact]
    public void Read_24BitExtensible_RejectedWithReason()
    {
        var wav = _tools.PathOf("deep.wav");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "24", "-e", "signed-integer", wav, "synth", "0.1", "sine", "500");

        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Read(wav));

        Assert.Contains("24 bits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EspeakFile_ResamplesFrom22050()
    {
        var wav = _tools.PathOf("billing.wav");
        ExternalTool.Run("espeak-ng", "-w", wav, "billing");
        Assert.Equal(22050, BinaryPrimitives.ReadInt32LittleEndian(File.ReadAllBytes(wav).AsSpan(24)));

        var samples = WavFile.Read(wav);

        Assert.InRange(samples.Length, 2000, 16000);
        Assert.True(Signal.Rms(samples) > 300);
    }

    [Fact]
    public void Read_EspeakStdoutWithPlaceholderSizes_UsesRealLength()
    {
        var streamed = ExternalTool.Run("espeak-ng", "--stdout", "billing");
        var wav = _tools.PathOf("billing.wav");
        ExternalTool.Run("espeak-ng", "-w", wav, "billing");
        var declaredData = BinaryPrimitives.ReadUInt32LittleEndian(streamed.AsSpan(40));
        Assert.True(declaredData > streamed.Length, $"espeak-ng --stdout declared {declaredData} data bytes in a {streamed.Length}-byte stream");

        var fromStream = WavFile.Read(new MemoryStream(streamed));

        Assert.Equal(WavFile.Read(wav), fromStream);
    }

    [Fact]
    public void Read_NonSeekablePipeStream_Works()
    {
        var bytes = BuildWav(1, 1, 8000, 16, [1, 0, 2, 0, 3, 0]);

        var samples = WavFile.Read(new NonSeekableStream(bytes));

        Assert.Equal(new short[] { 1, 2, 3 }, samples);
    }

    [Fact]
    public void Parse_OddSizedChunkBeforeData_SkipsPadByte()
    {
        var list = "LIST\u0003\0\0\0abc\0"u8.ToArray();
        var wav = BuildWav(1, 1, 8000, 16, [5, 0], extraChunkBeforeData: list);

        Assert.Equal(new short[] { 5 }, WavFile.Parse(wav));
    }

    [Fact]
    public void Parse_8BitUnsignedPcm_CentresOn128()
    {
        var wav = BuildWav(1, 1, 8000, 8, [128, 255, 0]);

        Assert.Equal(new short[] { 0, 127 << 8, -128 << 8 }, WavFile.Parse(wav));
    }

    [Theory]
    [InlineData("", "Too short")]
    [InlineData("RIFX....WAVE", "Big-endian")]
    [InlineData("JUNK....WAVE", "Not a RIFF file")]
    [InlineData("RIFF....AVI ", "not of type 'WAVE'")]
    [InlineData("RIFF....WAVE", "No 'fmt ' chunk")]
    public void Parse_BadHeader_ThrowsInvalidDataWithReason(string header, string reason)
    {
        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Parse(System.Text.Encoding.ASCII.GetBytes(header)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(85, 1, 8000, 16, "format tag 85")]
    [InlineData(1, 1, 8000, 24, "24 bits")]
    [InlineData(1, 0, 8000, 16, "channel count 0")]
    [InlineData(1, 1, 0, 16, "sample rate 0")]
    [InlineData(7, 1, 8000, 16, "16 bits for format 7")]
    public void Parse_UnsupportedFormat_ThrowsInvalidDataWithReason(int tag, int channels, int rate, int bits, string reason)
    {
        var wav = BuildWav(tag, channels, rate, bits, [0, 0, 0, 0, 0, 0]);

        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Parse(wav));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DataBeforeFmt_Throws()
    {
        var wav = "RIFF\0\0\0\0WAVEdata\u0002\0\0\0\0\0"u8.ToArray();

        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Parse(wav));

        Assert.Contains("before the 'fmt ' chunk", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoDataChunk_Throws()
    {
        var wav = BuildWav(1, 1, 8000, 16, []).AsSpan(0, 36).ToArray();

        Assert.Contains("No 'data' chunk", Assert.Throws<InvalidDataException>(() => WavFile.Parse(wav)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadFile_NamesThePath()
    {
        var path = _tools.PathOf("bad.wav");
        File.WriteAllText(path, "not audio at all");

        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AudioClip_GetEncoded_CachesAndMatchesEncoder()
    {
        var pcm = Signal.Sine(440, 8000, 800);
        var clip = new AudioClip(pcm, "tone");

        var first = clip.GetEncoded(AudioCodec.Pcmu);
        var second = clip.GetEncoded(AudioCodec.Pcmu);
        var alaw = clip.GetEncoded(AudioCodec.Pcma);

        Assert.True(first.Span == second.Span);
        Assert.Equal(G711.EncodeMuLaw(pcm[100]), first.Span[100]);
        Assert.Equal(G711.EncodeALaw(pcm[100]), alaw.Span[100]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), clip.Duration);
    }

    internal static byte[] BuildWav(int tag, int channels, int rate, int bits, byte[] data, byte[]? extraChunkBeforeData = null)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((ushort)tag);
        w.Write((ushort)channels);
        w.Write(rate);
        w.Write(rate * channels * bits / 8);
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        if (extraChunkBeforeData is not null)
        {
            w.Write(extraChunkBeforeData);
        }

        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    private static int FormatTag(byte[] wav) => BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(20));

    private static short[] ToShorts(byte[] bytes)
    {
        var result = new short[bytes.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i));
        }

        return result;
    }
}

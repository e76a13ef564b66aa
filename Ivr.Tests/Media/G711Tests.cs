using FsCheck.Xunit;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class G711Tests
{
    // G.711 Table 2a (µ-law) decoder outputs for codes 0x00-0x0F and 0x70-0x7F, in 16-bit units.
    private static readonly short[] MuLawFirstRow =
        [-32124, -31100, -30076, -29052, -28028, -27004, -25980, -24956, -23932, -22908, -21884, -20860, -19836, -18812, -17788, -16764];

    private static readonly short[] MuLawQuietRow =
        [-120, -112, -104, -96, -88, -80, -72, -64, -56, -48, -40, -32, -24, -16, -8, 0];

    // G.711 Table 1a (A-law) decoder outputs for codes 0x00-0x0F (even bits inverted on the line), in 16-bit units.
    private static readonly short[] ALawFirstRow =
        [-5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736, -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784];

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xFE, 8)]
    [InlineData(0xF0, 120)]
    [InlineData(0xEF, 132)]
    [InlineData(0x8F, 16764)]
    public void DecodeMuLaw_ReferenceCodes_MatchG711Table(int code, int expected) =>
        Assert.Equal(expected, G711.DecodeMuLaw((byte)code));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    [InlineData(0x80, 5504)]
    [InlineData(0xD4, 24)]
    [InlineData(0xC5, 264)]
    public void DecodeALaw_ReferenceCodes_MatchG711Table(int code, int expected) =>
        Assert.Equal(expected, G711.DecodeALaw((byte)code));

    [Fact]
    public void DecodeMuLaw_TableRows_MatchReference()
    {
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(MuLawFirstRow[i], G711.DecodeMuLaw((byte)i));
            Assert.Equal(MuLawQuietRow[i], G711.DecodeMuLaw((byte)(0x70 + i)));
            Assert.Equal(-MuLawFirstRow[i], G711.DecodeMuLaw((byte)(0x80 + i)));
        }
    }

    [Fact]
    public void DecodeALaw_TableRow_MatchesReferenceAndSignSymmetry()
    {
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(ALawFirstRow[i], G711.DecodeALaw((byte)i));
        }

        for (var code = 0; code < 128; code++)
        {
            Assert.Equal(-G711.DecodeALaw((byte)code), G711.DecodeALaw((byte)(code | 0x80)));
        }
    }

    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7E)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(32124, 0x80)]
    [InlineData(8, 0xFE)]
    public void EncodeMuLaw_ReferenceSamples_GiveG711Codes(int sample, int expected) =>
        Assert.Equal((byte)expected, G711.EncodeMuLaw((short)sample));

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(8, 0xD5)]
    [InlineData(-1, 0x55)]
    [InlineData(-8, 0x55)]
    [InlineData(32767, 0xAA)]
    [InlineData(-32768, 0x2A)]
    [InlineData(264, 0xC5)]
    public void EncodeALaw_ReferenceSamples_GiveG711Codes(int sample, int expected) =>
        Assert.Equal((byte)expected, G711.EncodeALaw((short)sample));

    [Property]
    public bool MuLaw_DecodeThenEncode_ReturnsCode(byte code) =>
        G711.EncodeMuLaw(G711.DecodeMuLaw(code)) == (code == 0x7F ? (byte)0xFF : code); // 0x7F is "negative zero"

    [Property]
    public bool ALaw_DecodeThenEncode_ReturnsCode(byte code) =>
        G711.EncodeALaw(G711.DecodeALaw(code)) == code;

    [Property]
    public bool MuLaw_EncodeIsIdempotentThroughDecode(short sample)
    {
        var code = G711.EncodeMuLaw(sample);
        return G711.EncodeMuLaw(G711.DecodeMuLaw(code)) == code || (code == 0x7F && G711.EncodeMuLaw(0) == 0xFF);
    }

    [Property]
    public bool ALaw_EncodeIsIdempotentThroughDecode(short sample)
    {
        var code = G711.EncodeALaw(sample);
        return G711.EncodeALaw(G711.DecodeALaw(code)) == code;
    }

    [Property]
    public bool MuLaw_RoundTripError_WithinHalfStepOfSegment(short sample) =>
        Math.Abs(G711.DecodeMuLaw(G711.EncodeMuLaw(sample)) - sample) <= 16 + (Math.Abs((int)sample) / 16);

    [Property]
    public bool ALaw_RoundTripError_WithinHalfStepOfSegment(short sample) =>
        Math.Abs(G711.DecodeALaw(G711.EncodeALaw(sample)) - sample) <= 16 + (Math.Abs((int)sample) / 16);

    [Property]
    public bool SpanEncodeDecode_MatchesScalar(short[] pcm)
    {
        var mu = new byte[pcm.Length];
        var a = new byte[pcm.Length];
        var muBack = new short[pcm.Length];
        var aBack = new short[pcm.Length];
        G711.Encode(AudioCodec.Pcmu, pcm, mu);
        G711.Encode(AudioCodec.Pcma, pcm, a);
        G711.Decode(AudioCodec.Pcmu, mu, muBack);
        G711.Decode(AudioCodec.Pcma, a, aBack);
        for (var i = 0; i < pcm.Length; i++)
        {
            if (mu[i] != G711.EncodeMuLaw(pcm[i]) || a[i] != G711.EncodeALaw(pcm[i])
                || muBack[i] != G711.DecodeMuLaw(mu[i]) || aBack[i] != G711.DecodeALaw(a[i]))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void RoundTrip_AllSamples_IsMonotonic()
    {
        short previousMu = short.MinValue, previousA = short.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var mu = G711.DecodeMuLaw(G711.EncodeMuLaw((short)x));
            var a = G711.DecodeALaw(G711.EncodeALaw((short)x));
            Assert.True(mu >= previousMu, $"µ-law not monotonic at {x}");
            Assert.True(a >= previousA, $"A-law not monotonic at {x}");
            previousMu = mu;
            previousA = a;
        }
    }

    [Fact]
    public void Decode_AllCodes_Distinct()
    {
        // 255 distinct µ-law levels (two zeros) and 256 distinct A-law levels.
        Assert.Equal(255, Enumerable.Range(0, 256).Select(c => G711.DecodeMuLaw((byte)c)).Distinct().Count());
        Assert.Equal(256, Enumerable.Range(0, 256).Select(c => G711.DecodeALaw((byte)c)).Distinct().Count());
    }

    [Fact]
    public void Encode_DestinationTooShort_Throws() =>
        Assert.Throws<ArgumentException>(() => G711.EncodeMuLaw(new short[4], new byte[3]));
}

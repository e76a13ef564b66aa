using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ivr.Engine.Media;

/// <summary>
/// ITU-T G.711 µ-law and A-law companding, table-driven; the tables are computed at type initialisation
/// from the segment algorithm of G.711 §3 (µ-law, 14-bit linear) and §2 (A-law, 13-bit linear).
/// </summary>
public static class G711
{
    // G.711 µ-law works on 14-bit magnitudes with a bias of 33; biased magnitudes saturate at 8191 (segment 7, step 15).
    private const int MuLawBias = 33;
    private const int MuLawMaxBiased = 8191;

    private static readonly short[] MuLawToLinear = BuildMuLawDecodeTable();
    private static readonly short[] ALawToLinear = BuildALawDecodeTable();

    // Encode tables indexed by the 16-bit sample reduced to 14 bits (µ-law) or 13 bits (A-law), offset to be non-negative.
    private static readonly byte[] LinearToMuLaw = BuildMuLawEncodeTable();
    private static readonly byte[] LinearToALaw = BuildALawEncodeTable();

    /// <summary>Encodes one 16-bit linear sample as µ-law (G.711 §3).</summary>
    public static byte EncodeMuLaw(short sample) => LinearToMuLaw[(sample >> 2) + 8192];

    /// <summary>Decodes one µ-law byte to a 16-bit linear sample (G.711 §3, Table 2a).</summary>
    public static short DecodeMuLaw(byte code) => MuLawToLinear[code];

    /// <summary>Encodes one 16-bit linear sample as A-law (G.711 §2, even bits inverted).</summary>
    public static byte EncodeALaw(short sample) => LinearToALaw[(sample >> 3) + 4096];

    /// <summary>Decodes one A-law byte to a 16-bit linear sample (G.711 §2, Table 1a).</summary>
    public static short DecodeALaw(byte code) => ALawToLinear[code];

    /// <summary>Encodes <paramref name="pcm"/> into <paramref name="destination"/> as µ-law; returns the byte count.</summary>
    public static int EncodeMuLaw(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (destination.Length < pcm.Length)
        {
            throw new ArgumentException("Destination is shorter than the input.", nameof(destination));
        }

        // Indices are in range by construction ((short >> 2) + 8192 is 0..16383), so bounds checks are skipped.
        ref var table = ref MemoryMarshal.GetArrayDataReference(LinearToMuLaw);
        ref var source = ref MemoryMarshal.GetReference(pcm);
        ref var target = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < pcm.Length; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref table, (Unsafe.Add(ref source, i) >> 2) + 8192);
        }

        return pcm.Length;
    }

    /// <summary>Encodes <paramref name="pcm"/> into <paramref name="destination"/> as A-law; returns the byte count.</summary>
    public static int EncodeALaw(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (destination.Length < pcm.Length)
        {
            throw new ArgumentException("Destination is shorter than the input.", nameof(destination));
        }

        ref var table = ref MemoryMarshal.GetArrayDataReference(LinearToALaw);
        ref var source = ref MemoryMarshal.GetReference(pcm);
        ref var target = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < pcm.Length; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref table, (Unsafe.Add(ref source, i) >> 3) + 4096);
        }

        return pcm.Length;
    }

    /// <summary>Decodes µ-law bytes into <paramref name="destination"/>; returns the sample count.</summary>
    public static int DecodeMuLaw(ReadOnlySpan<byte> encoded, Span<short> destination)
    {
        if (destination.Length < encoded.Length)
        {
            throw new ArgumentException("Destination is shorter than the input.", nameof(destination));
        }

        ref var table = ref MemoryMarshal.GetArrayDataReference(MuLawToLinear);
        ref var source = ref MemoryMarshal.GetReference(encoded);
        ref var target = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < encoded.Length; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref table, Unsafe.Add(ref source, i));
        }

        return encoded.Length;
    }

    /// <summary>Decodes A-law bytes into <paramref name="destination"/>; returns the sample count.</summary>
    public static int DecodeALaw(ReadOnlySpan<byte> encoded, Span<short> destination)
    {
        if (destination.Length < encoded.Length)
        {
            throw new ArgumentException("Destination is shorter than the input.", nameof(destination));
        }

        ref var table = ref MemoryMarshal.GetArrayDataReference(ALawToLinear);
        ref var source = ref MemoryMarshal.GetReference(encoded);
        ref var target = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < encoded.Length; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref table, Unsafe.Add(ref source, i));
        }

        return encoded.Length;
    }

    /// <summary>Encodes with the given codec (PCMU or PCMA, RFC 3551 §4.5.14); returns the byte count.</summary>
    public static int Encode(AudioCodec codec, ReadOnlySpan<short> pcm, Span<byte> destination) => codec switch
    {
        AudioCodec.Pcmu => EncodeMuLaw(pcm, destination),
        AudioCodec.Pcma => EncodeALaw(pcm, destination),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "Not a G.711 codec."),
    };

    /// <summary>Decodes with the given codec (PCMU or PCMA, RFC 3551 §4.5.14); returns the sample count.</summary>
    public static int Decode(AudioCodec codec, ReadOnlySpan<byte> encoded, Span<short> destination) => codec switch
    {
        AudioCodec.Pcmu => DecodeMuLaw(encoded, destination),
        AudioCodec.Pcma => DecodeALaw(encoded, destination),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "Not a G.711 codec."),
    };

    // µ-law: the 8-bit code is the complement of sign(1) | segment(3) | step(4); the decoded 14-bit
    // magnitude is ((2 * step + 33) << segment) - 33, scaled by 4 to 16 bits.
    private static short DecodeMuLawAlgorithm(byte code)
    {
        var inverted = (byte)~code;
        var segment = (inverted >> 4) & 0x07;
        var step = inverted & 0x0F;
        var magnitude = (((2 * step) + MuLawBias) << segment) - MuLawBias;
        var value = magnitude << 2;
        return (short)((inverted & 0x80) != 0 ? -value : value);
    }

    private static byte EncodeMuLawAlgorithm(int linear14)
    {
        var negative = linear14 < 0;
        var magnitude = negative ? -linear14 : linear14;
        magnitude = Math.Min(magnitude + MuLawBias, MuLawMaxBiased);

        // The segment is the position of the highest set bit above bit 5 (biased magnitudes are 33..8191).
        var segment = 0;
        while (segment < 7 && magnitude >= (64 << segment))
        {
            segment++;
        }

        var step = (magnitude >> (segment + 1)) & 0x0F;
        var code = (segment << 4) | step | (negative ? 0x80 : 0x00);
        return (byte)~code;
    }

    // A-law: the 8-bit code is sign(1) | segment(3) | step(4), with even bits inverted (XOR 0x55) on the line.
    // Segment 0 and 1 share a step of 2 in 13-bit units; segment s > 1 has step 2^s. Decoding returns the mid-point.
    private static short DecodeALawAlgorithm(byte code)
    {
        var raw = code ^ 0x55;
        var segment = (raw >> 4) & 0x07;
        var step = raw & 0x0F;
        var magnitude13 = segment == 0
            ? (2 * step) + 1
            : ((2 * step) + 33) << (segment - 1);
        var value = magnitude13 << 3;
        return (short)((raw & 0x80) != 0 ? value : -value);
    }

    private static byte EncodeALawAlgorithm(int linear13)
    {
        // Positive values carry sign bit 1; negative inputs are folded with one's complement so -1 lands in the first step.
        var positive = linear13 >= 0;
        var magnitude = positive ? linear13 : -linear13 - 1;
        magnitude = Math.Min(magnitude, 4095);

        var segment = 0;
        while (segment < 7 && magnitude >= (32 << segment))
        {
            segment++;
        }

        var step = segment == 0 ? (magnitude >> 1) & 0x0F : (magnitude >> segment) & 0x0F;
        var code = (segment << 4) | step | (positive ? 0x80 : 0x00);
        return (byte)(code ^ 0x55);
    }

    private static short[] BuildMuLawDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = DecodeMuLawAlgorithm((byte)i);
        }

        return table;
    }

    private static short[] BuildALawDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = DecodeALawAlgorithm((byte)i);
        }

        return table;
    }

    private static byte[] BuildMuLawEncodeTable()
    {
        var table = new byte[16384];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = EncodeMuLawAlgorithm(i - 8192);
        }

        return table;
    }

    private static byte[] BuildALawEncodeTable()
    {
        var table = new byte[8192];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = EncodeALawAlgorithm(i - 4096);
        }

        return table;
    }
}

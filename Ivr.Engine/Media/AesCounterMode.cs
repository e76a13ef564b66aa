using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Ivr.Engine.Media;

/// <summary>
/// AES-128 in counter mode as SRTP uses it (RFC 3711 §4.1.1): block j of a packet's keystream is AES(k_e, IV + j) with
/// IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). The keystream is made in chunks of 16 blocks with one ECB call each,
/// into buffers owned by the instance, so applying it allocates nothing. Not thread-safe.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;
    private const int ChunkBlocks = 16;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _salt = new byte[SrtpSuites.MasterSaltLength];
    private readonly byte[] _counters = new byte[ChunkBlocks * BlockSize];
    private readonly byte[] _keystream = new byte[ChunkBlocks * BlockSize];

    /// <summary>Keys the cipher with <paramref name="key"/> (16 bytes) and the 14-byte <paramref name="salt"/>.</summary>
    public AesCounterMode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        if (key.Length != SrtpSuites.MasterKeyLength || salt.Length != SrtpSuites.MasterSaltLength)
        {
            throw new ArgumentException("AES-128 counter mode for SRTP needs a 16-byte key and a 14-byte salt.");
        }

        salt.CopyTo(_salt);
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs <paramref name="data"/> with the keystream of packet <paramref name="index"/> of <paramref name="ssrc"/>.</summary>
    public void Apply(Span<byte> data, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[BlockSize];
        _salt.CopyTo(iv);
        var ivSsrc = iv.Slice(4, 4);
        BinaryPrimitives.WriteUInt32BigEndian(ivSsrc, BinaryPrimitives.ReadUInt32BigEndian(ivSsrc) ^ ssrc);
        for (var b = 0; b < 6; b++)
        {
            iv[8 + b] ^= (byte)(index >> (40 - (8 * b)));
        }

        var block = 0;
        for (var offset = 0; offset < data.Length; offset += _keystream.Length)
        {
            var chunk = Math.Min(_keystream.Length, data.Length - offset);
            var blocks = (chunk + BlockSize - 1) / BlockSize;
            for (var b = 0; b < blocks; b++, block++)
            {
                var counter = _counters.AsSpan(b * BlockSize, BlockSize);
                iv.CopyTo(counter);
                // The low 16 bits of IV are zero (k_s and i are shifted by 16): the block number fits there (< 2^16 blocks).
                BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)block);
            }

            _ecb.TransformBlock(_counters, 0, blocks * BlockSize, _keystream, 0);
            Xor(data.Slice(offset, chunk), _keystream);
        }
    }

    /// <summary>Releases the cipher.</summary>
    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
        CryptographicOperations.ZeroMemory(_keystream);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        for (; i + 16 <= data.Length; i += 16)
        {
            (Vector128.Create<byte>(data[i..]) ^ Vector128.Create<byte>(keystream[i..])).CopyTo(data[i..]);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}

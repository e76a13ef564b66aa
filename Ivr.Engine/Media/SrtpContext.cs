using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Ivr.Engine.Media;

/// <summary>
/// One direction of an SRTP stream (RFC 3711): AES-128 counter mode (§4.1.1), HMAC-SHA1 authentication (§4.2) with an
/// 80- or 32-bit tag, session keys derived once from the master key with key derivation rate 0 (§4.3), the packet index
/// from ROC and sequence number (§3.3.1) and a 64-packet replay list (§3.3.2), both kept per SSRC (§3.2.3). Protects and
/// unprotects in place, allocating nothing per packet.
/// </summary>
/// <remarks>
/// A context is not thread-safe: one is used for sending (the pacer thread) and another for receiving (the receive loop).
/// The master key's lifetime counts packets of every source. Up to <see cref="MaxSources"/> SSRCs keep their own ROC,
/// highest index and replay list (RFC 3711 §3.2.3), so a peer that switches to another stream (music on hold from a
/// B2BUA) and back keeps its ROC and its replay protection. An authentic packet of a source not in the table starts its
/// state afresh (ROC 0) in a free slot, or in that of the least recently used source, which is forgotten: should that
/// source come back, it is taken for a new stream (its packets from ROC 0 are accepted again, later ones fail the tag).
/// SRTCP (§3.4) is not handled: this engine sends no RTCP and drops
/// what it receives.
/// </remarks>
public sealed class SrtpContext : IDisposable
{
    /// <summary>The longest authentication tag of the supported suites (80 bits): room a send buffer needs past the packet.</summary>
    public const int MaxTagLength = 10;

    /// <summary>How many SSRCs keep their own replay and rollover state at once (least recently used forgotten first).</summary>
    public const int MaxSources = 4;

    private const int ReplayWindow = 64;
    private const byte LabelEncryption = 0x00;
    private const byte LabelAuthentication = 0x01;
    private const byte LabelSalt = 0x02;
    private const int AuthKeyLength = 20;

    private readonly AesCounterMode _cipher;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _mac = new byte[AuthKeyLength];
    private readonly int _tagLength;
    private readonly ulong _lifetime;

    // RFC 3711 §3.2.3: the state of each source, allocated once; a slot with LastUsed 0 is free.
    private readonly SourceState[] _sources = new SourceState[MaxSources];
    private ulong _packets;

    /// <summary>
    /// Derives the session keys from <paramref name="keyAndSalt"/> (master key then master salt, 30 bytes, as SDES carries
    /// them) for <paramref name="suite"/>; <paramref name="lifetime"/> bounds the packets the key may protect (RFC 3711 §9.2).
    /// </summary>
    public SrtpContext(SrtpSuite suite, ReadOnlySpan<byte> keyAndSalt, ulong lifetime = SrtpSuites.MaxLifetime)
    {
        if (keyAndSalt.Length != SrtpSuites.KeyAndSaltLength)
        {
            throw new ArgumentException($"An SRTP master key and salt are {SrtpSuites.KeyAndSaltLength} bytes, not {keyAndSalt.Length}.", nameof(keyAndSalt));
        }

        ArgumentOutOfRangeException.ThrowIfZero(lifetime);
        Suite = suite;
        _tagLength = SrtpSuites.TagLength(suite);
        _lifetime = Math.Min(lifetime, SrtpSuites.MaxLifetime);
        var masterKey = keyAndSalt[..SrtpSuites.MasterKeyLength];
        var masterSalt = keyAndSalt[SrtpSuites.MasterKeyLength..];

        Span<byte> encryptionKey = stackalloc byte[SrtpSuites.MasterKeyLength];
        Span<byte> authKey = stackalloc byte[AuthKeyLength];
        Span<byte> salt = stackalloc byte[SrtpSuites.MasterSaltLength];
        DeriveSessionKey(masterKey, masterSalt, LabelEncryption, encryptionKey);
        DeriveSessionKey(masterKey, masterSalt, LabelAuthentication, authKey);
        DeriveSessionKey(masterKey, masterSalt, LabelSalt, salt);
        _cipher = new AesCounterMode(encryptionKey, salt);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
        CryptographicOperations.ZeroMemory(encryptionKey);
        CryptographicOperations.ZeroMemory(authKey);
        CryptographicOperations.ZeroMemory(salt);
    }

    /// <summary>The crypto suite.</summary>
    public SrtpSuite Suite { get; }

    /// <summary>Bytes the tag adds to each packet (10 or 4).</summary>
    public int TagLength => _tagLength;

    /// <summary>
    /// RFC 3711 §4.3.1 with key derivation rate 0: <paramref name="output"/> = AES-CM keystream under the master key from
    /// IV = (master salt XOR label at bit 48) * 2^16.
    /// </summary>
    public static void DeriveSessionKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length != SrtpSuites.MasterSaltLength)
        {
            throw new ArgumentException("AES-128 SRTP needs a 14-byte master salt.", nameof(masterSalt));
        }

        // key_id = label || (index DIV kdr); kdr 0 makes r = 0, so the label lands 7 bytes from the salt's end. The PRF is
        // AES-CM under the master key with x = key_id XOR master salt in place of the session salt, SSRC and index 0.
        Span<byte> x = stackalloc byte[SrtpSuites.MasterSaltLength];
        masterSalt.CopyTo(x);
        x[SrtpSuites.MasterSaltLength - 7] ^= label;
        using var prf = new AesCounterMode(masterKey, x);
        output.Clear();
        prf.Apply(output, 0, 0);
    }

    /// <summary>
    /// Protects the RTP packet in <c>buffer[..length]</c> in place (RFC 3711 §3.3): encrypts its payload and appends the
    /// tag, so <paramref name="buffer"/> needs <see cref="TagLength"/> bytes of room past it. Returns the SRTP length, or 0
    /// when the master key's lifetime is used up (send nothing: RFC 3711 §9.2).
    /// </summary>
    public int Protect(Span<byte> buffer, int length)
    {
        if (length > buffer.Length - _tagLength)
        {
            throw new ArgumentException($"The buffer needs {_tagLength} bytes past the packet for the SRTP tag.", nameof(buffer));
        }

        var packet = buffer[..length];
        if (!RtpPacket.TryGetHeaderLength(packet, out var headerLength))
        {
            throw new ArgumentException("Not an RTP version 2 packet.", nameof(buffer));
        }

        if (_packets >= _lifetime)
        {
            return 0;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var slot = Find(ssrc);
        ulong index = sequence;
        if (slot >= 0)
        {
            // Our own packets go out in order: the ROC counts the times the sequence number wrapped (RFC 3711 §3.3.1).
            var highest = _sources[slot].Highest;
            var roc = highest >> 16;
            if (sequence < (ushort)highest && (ushort)highest - sequence > 32768)
            {
                roc++;
            }

            index = (roc << 16) | sequence;
        }

        _cipher.Apply(packet[headerLength..], ssrc, index);
        ComputeMac(packet, (uint)(index >> 16));
        _mac.AsSpan(0, _tagLength).CopyTo(buffer.Slice(length, _tagLength));
        Accept(slot, ssrc, index);
        return length + _tagLength;
    }

    /// <summary>
    /// Unprotects the SRTP packet <paramref name="packet"/> in place (RFC 3711 §3.3): estimates its index, refuses a replay,
    /// checks the tag in constant time, then decrypts the payload. On <see cref="SrtpUnprotectResult.Ok"/>,
    /// <paramref name="length"/> is the RTP packet's length (the tag removed); the packet is left as it came otherwise.
    /// </summary>
    public SrtpUnprotectResult Unprotect(Span<byte> packet, out int length)
    {
        length = 0;
        var rtpLength = packet.Length - _tagLength;
        if (rtpLength < RtpPacket.FixedHeaderSize || !RtpPacket.TryGetHeaderLength(packet[..rtpLength], out var headerLength))
        {
            return SrtpUnprotectResult.Malformed;
        }

        if (_packets >= _lifetime)
        {
            return SrtpUnprotectResult.KeyExpired;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var slot = Find(ssrc);
        var index = slot >= 0 ? EstimateIndex(_sources[slot].Highest, sequence) : sequence;
        if (index < 0 || (slot >= 0 && _sources[slot].IsReplay((ulong)index)))
        {
            return SrtpUnprotectResult.Replayed;
        }

        var rtp = packet[..rtpLength];
        ComputeMac(rtp, (uint)((ulong)index >> 16));
        if (!CryptographicOperations.FixedTimeEquals(_mac.AsSpan(0, _tagLength), packet.Slice(rtpLength, _tagLength)))
        {
            return SrtpUnprotectResult.AuthenticationFailed;
        }

        _cipher.Apply(rtp[headerLength..], ssrc, (ulong)index);
        Accept(slot, ssrc, (ulong)index);
        length = rtpLength;
        return SrtpUnprotectResult.Ok;
    }

    /// <summary>Releases the cipher and HMAC state.</summary>
    public void Dispose()
    {
        _cipher.Dispose();
        _hmac.Dispose();
    }

    // RFC 3711 §3.3.1 (and Appendix A): the ROC guess v among ROC-1, ROC, ROC+1 nearest to s_l; -1 before the first index.
    private static long EstimateIndex(ulong highest, ushort sequence)
    {
        var roc = (long)(highest >> 16);
        var last = (ushort)highest;
        long v;
        if (last < 32768)
        {
            v = sequence - last > 32768 ? roc - 1 : roc;
        }
        else
        {
            v = last - 32768 > sequence ? roc + 1 : roc;
        }

        return v < 0 ? -1 : (v << 16) | sequence;
    }

    // The slot of ssrc, or -1 when the table does not hold it.
    private int Find(uint ssrc)
    {
        for (var i = 0; i < _sources.Length; i++)
        {
            if (_sources[i].LastUsed != 0 && _sources[i].Ssrc == ssrc)
            {
                return i;
            }
        }

        return -1;
    }

    // After authentication (§3.3.1: update ROC and s_l only for authentic packets): mark the index in the source's replay
    // list, or give a new source a free slot or the least recently used one.
    private void Accept(int slot, uint ssrc, ulong index)
    {
        _packets++;
        if (slot < 0)
        {
            slot = 0;
            for (var i = 1; i < _sources.Length && _sources[slot].LastUsed != 0; i++)
            {
                if (_sources[i].LastUsed < _sources[slot].LastUsed)
                {
                    slot = i;
                }
            }

            _sources[slot] = new SourceState { Ssrc = ssrc, Highest = index, Window = 1 };
        }
        else
        {
            _sources[slot].Accept(index);
        }

        // _packets is never 0 here and grows with every packet: a recency stamp for free.
        _sources[slot].LastUsed = _packets;
    }

    // RFC 3711 §4.2: HMAC-SHA1 over the authenticated portion (header and encrypted payload) then the 32-bit ROC, truncated.
    // The full MAC lands in _mac; the tag is its first TagLength bytes.
    private void ComputeMac(ReadOnlySpan<byte> packet, uint roc)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _hmac.AppendData(packet);
        _hmac.AppendData(rocBytes);
        _hmac.GetHashAndReset(_mac);
    }

    // One source's highest index (ROC * 2^16 + SEQ, which also gives s_l) and which of the 64 indices up to it were
    // received (bit i = highest - i).
    private struct SourceState
    {
        public uint Ssrc;
        public ulong Highest;
        public ulong Window;
        public ulong LastUsed;

        // RFC 3711 §3.3.2: older than the window, or already seen in it.
        public readonly bool IsReplay(ulong index)
        {
            if (index > Highest)
            {
                return false;
            }

            var age = Highest - index;
            return age >= ReplayWindow || (Window & (1UL << (int)age)) != 0;
        }

        public void Accept(ulong index)
        {
            if (index > Highest)
            {
                var shift = index - Highest;
                Window = shift >= ReplayWindow ? 1 : (Window << (int)shift) | 1;
                Highest = index;
            }
            else
            {
                Window |= 1UL << (int)(Highest - index);
            }
        }
    }
}

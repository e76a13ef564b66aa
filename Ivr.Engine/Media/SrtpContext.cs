using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Ivr.Engine.Media;

/// <summary>
/// One direction of an SRTP stream (RFC 3711): AES-128 counter mode (§4.1.1), HMAC-SHA1 authentication (§4.2) with an
/// 80- or 32-bit tag, session keys derived once from the master key with key derivation rate 0 (§4.3), the packet index
/// from ROC and sequence number (§3.3.1) and a 64-packet replay list (§3.3.2). Protects and unprotects in place,
/// allocating nothing per packet.
/// </summary>
/// <remarks>
/// A context is not thread-safe: one is used for sending (the pacer thread) and another for receiving (the receive loop).
/// It follows one SSRC at a time; an authentic packet of another SSRC starts that source's index and replay list afresh
/// (a peer that restarts its stream, RFC 3550 §8.2). SRTCP (§3.4) is not handled: this engine sends no RTCP and drops
/// what it receives.
/// </remarks>
public sealed class SrtpContext : IDisposable
{
    /// <summary>The longest authentication tag of the supported suites (80 bits): room a send buffer needs past the packet.</summary>
    public const int MaxTagLength = 10;

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

    // The current source: its highest index (ROC * 2^16 + SEQ, which also gives s_l) and which of the 64 indices up to it
    // were received (bit i = highest - i).
    private bool _started;
    private uint _ssrc;
    private ulong _highest;
    private ulong _window;
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
        if (!TryGetHeaderLength(packet, out var headerLength))
        {
            throw new ArgumentException("Not an RTP version 2 packet.", nameof(buffer));
        }

        if (_packets >= _lifetime)
        {
            return 0;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var sameSource = _started && ssrc == _ssrc;
        // Our own packets go out in order: the ROC counts the times the sequence number wrapped (RFC 3711 §3.3.1).
        var roc = _highest >> 16;
        if (sameSource && sequence < (ushort)_highest && (ushort)_highest - sequence > 32768)
        {
            roc++;
        }

        var index = sameSource ? (roc << 16) | sequence : sequence;
        _cipher.Apply(packet[headerLength..], ssrc, index);
        ComputeMac(packet, (uint)(index >> 16));
        _mac.AsSpan(0, _tagLength).CopyTo(buffer.Slice(length, _tagLength));
        Accept(ssrc, index, sameSource);
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
        if (rtpLength < RtpPacket.FixedHeaderSize || !TryGetHeaderLength(packet[..rtpLength], out var headerLength))
        {
            return SrtpUnprotectResult.Malformed;
        }

        if (_packets >= _lifetime)
        {
            return SrtpUnprotectResult.KeyExpired;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var sameSource = _started && ssrc == _ssrc;
        var index = sameSource ? EstimateIndex(sequence) : sequence;
        if (index < 0 || (sameSource && IsReplay((ulong)index)))
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
        Accept(ssrc, (ulong)index, sameSource);
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
    private long EstimateIndex(ushort sequence)
    {
        var roc = (long)(_highest >> 16);
        var last = (ushort)_highest;
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

    // RFC 3711 §3.3.2: older than the window, or already seen in it.
    private bool IsReplay(ulong index)
    {
        if (index > _highest)
        {
            return false;
        }

        var age = _highest - index;
        return age >= ReplayWindow || (_window & (1UL << (int)age)) != 0;
    }

    // After authentication (§3.3.1: update ROC and s_l only for authentic packets), mark the index in the replay list.
    private void Accept(uint ssrc, ulong index, bool sameSource)
    {
        _packets++;
        if (!sameSource)
        {
            _started = true;
            _ssrc = ssrc;
            _highest = index;
            _window = 1;
            return;
        }

        if (index > _highest)
        {
            var shift = index - _highest;
            _window = shift >= ReplayWindow ? 1 : (_window << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            _window |= 1UL << (int)(_highest - index);
        }
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

    // RFC 3550 §5.1/§5.3.1: fixed header, CSRCs, extension; the payload (encrypted part, RFC 3711 §3.1) follows.
    private static bool TryGetHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpPacket.FixedHeaderSize || packet[0] >> 6 != RtpPacket.RtpVersion)
        {
            return false;
        }

        var length = RtpPacket.FixedHeaderSize + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        if (length > packet.Length)
        {
            return false;
        }

        headerLength = length;
        return true;
    }
}

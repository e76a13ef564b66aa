using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>SRTP (RFC 3711) against its Appendix B test vectors, and protect/unprotect as a receiver sees it.</summary>
public sealed class SrtpContextTests
{
    private static readonly byte[] Key = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139" + "0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void DeriveSessionKey_Rfc3711AppendixB3_GivesTheListedCipherKeySaltAndAuthKey()
    {
        var masterKey = Key.AsSpan(0, 16);
        var masterSalt = Key.AsSpan(16);
        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[94];

        SrtpContext.DeriveSessionKey(masterKey, masterSalt, 0x00, cipherKey);
        SrtpContext.DeriveSessionKey(masterKey, masterSalt, 0x02, cipherSalt);
        SrtpContext.DeriveSessionKey(masterKey, masterSalt, 0x01, authKey);

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(cipherKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(cipherSalt));
        // B.3 lists 94 bytes of auth key material; SHA-1 HMAC uses the first 20.
        Assert.Equal(
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
            + "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
            + "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
            Convert.ToHexString(authKey));
    }

    [Fact]
    public void AesCounterMode_Rfc3711AppendixB2_GivesTheListedKeystreamAtTheStartAndEndOfTheSegment()
    {
        using var cipher = new AesCounterMode(
            Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"),
            Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
        // 1,044,512 octets (65,282 blocks) of zeros: the ciphertext is the keystream itself.
        var stream = new byte[1044512];

        cipher.Apply(stream, ssrc: 0, index: 0);

        Assert.Equal(
            "E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0",
            Convert.ToHexString(stream, 0, 48));
        Assert.Equal(
            "EC8CDF7398607CB0F2D21675EA9EA1E4" + "362B7C3C6773516318A077D7FC5073AE" + "6A2CC3787889374FBEB4C81B17BA6C44",
            Convert.ToHexString(stream, stream.Length - 48, 48));
    }

    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80, 10)]
    [InlineData(SrtpSuite.AesCm128HmacSha1_32, 4)]
    public void ProtectThenUnprotect_BothSuites_RestoresThePacketAndTheWireCarriesNoPlainPayload(SrtpSuite suite, int tag)
    {
        using var sender = new SrtpContext(suite, Key);
        using var receiver = new SrtpContext(suite, Key);
        var rtp = new RtpSender(0, 0x1234_5678, 1000, 160_000);

        for (var i = 0; i < 5; i++)
        {
            var (plain, buffer, length) = Packet(rtp);
            var protectedLength = sender.Protect(buffer, length);

            Assert.Equal(length + tag, protectedLength);
            Assert.True(buffer.AsSpan(0, 12).SequenceEqual(plain.AsSpan(0, 12)), "the header travels in clear (RFC 3711 §3.1)");
            Assert.False(buffer.AsSpan(12, 160).SequenceEqual(plain.AsSpan(12, 160)), "the payload is encrypted");
            var wire = buffer.AsSpan(0, protectedLength).ToArray();
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(wire, out var rtpLength));
            Assert.Equal(length, rtpLength);
            Assert.Equal(plain, wire[..rtpLength]);
        }
    }

    [Theory]
    [InlineData(1)] // header (marker/PT byte)
    [InlineData(40)] // payload
    [InlineData(175)] // tag
    public void Unprotect_AByteFlippedAnywhere_IsRefusedAndTheStreamCarriesOn(int offset)
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var rtp = new RtpSender(0, 7, 10, 0);
        var tampered = Protected(sender, rtp);
        var next = Protected(sender, rtp);
        var original = tampered.ToArray();
        tampered[offset] ^= 0x01;

        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, receiver.Unprotect(tampered, out _));
        Assert.Equal(original.Length, tampered.Length);
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(next, out _));
        // The untampered original, once seen, is still fresh: a forgery did not advance the replay list.
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(original, out _));
    }

    [Fact]
    public void Unprotect_WrongMasterKey_FailsAuthentication()
    {
        var other = (byte[])Key.Clone();
        other[0] ^= 0xFF;
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_32, other);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_32, Key);

        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, receiver.Unprotect(Protected(sender, new RtpSender(0)), out _));
    }

    [Fact]
    public void Unprotect_ReplayedOrTooOldPacket_IsRefused_ReorderedOnesInTheWindowPass()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var rtp = new RtpSender(0, 99, 500, 0);
        var packets = Enumerable.Range(0, 100).Select(_ => Protected(sender, rtp)).ToList();

        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packets[0].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(packets[0].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packets[80].ToArray(), out _));
        // 80 ahead of packet 0: 17..79 are inside the 64-packet window, 0..16 are behind it.
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packets[40].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packets[17].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(packets[16].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(packets[40].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(packets[80].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packets[81].ToArray(), out _));
    }

    [Fact]
    public void ProtectUnprotect_AcrossSequence65535To0_TheRolloverCounterAdvancesOnBothSides()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var rtp = new RtpSender(0, 42, 65530, 0);
        var packets = Enumerable.Range(0, 20).Select(_ => Protected(sender, rtp)).ToList();

        // Delivered slightly out of order around the wrap: 65534 arrives after 0.
        int[] order = [0, 1, 2, 3, 5, 6, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
        foreach (var i in order)
        {
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packets[i].ToArray(), out _));
        }

        // Packet 19 is sequence 13 with ROC 1: a receiver that has not seen the wrap guesses ROC 0, and the tag (which
        // covers the ROC, RFC 3711 §4.2) refuses it.
        using var fresh = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        Assert.Equal(SrtpUnprotectResult.Ok, fresh.Unprotect(packets[0].ToArray(), out _));
        Assert.Equal(SrtpUnprotectResult.Ok, fresh.Unprotect(packets[19].ToArray(), out _));
        using var late = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, late.Unprotect(packets[19].ToArray(), out _));
    }

    [Fact]
    public void Unprotect_StreamAWrappedThenBThenBackToA_AKeepsItsRolloverCounterAndPasses()
    {
        // A B2BUA switches its outgoing stream to music on hold (another SSRC) and back: RFC 3711 §3.2.3 keeps the
        // cryptographic state per SSRC, so A's ROC (in every tag) survives B.
        using var senderA = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var senderB = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var a = new RtpSender(0, 0xA, 65530, 0);
        var b = new RtpSender(0, 0xB, 1000, 0);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(Protected(senderA, a), out _));
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(Protected(senderB, b), out _));
        }

        // A is past its wrap (ROC 1): each of its packets must still authenticate.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(Protected(senderA, a), out _));
        }
    }

    [Fact]
    public void Unprotect_OldPacketsOfTwoSourcesReplayedAlternately_AreRefused()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var a = new RtpSender(0, 0xA, 100, 0);
        var b = new RtpSender(0, 0xB, 200, 0);
        var fromA = Enumerable.Range(0, 5).Select(_ => Protected(sender, a)).ToList();
        var fromB = Enumerable.Range(0, 5).Select(_ => Protected(sender, b)).ToList();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(fromA[i].ToArray(), out _));
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(fromB[i].ToArray(), out _));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(fromA[i].ToArray(), out _));
            Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(fromB[i].ToArray(), out _));
        }
    }

    [Fact]
    public void Unprotect_MoreSourcesThanTheTableHolds_TheLeastRecentlyUsedIsForgottenAndTheOthersKeepTheirState()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var sources = Enumerable.Range(1, SrtpContext.MaxSources + 1).Select(n => new RtpSender(0, (uint)n, 10, 0)).ToList();
        var first = sources.Select(s => Protected(sender, s)).ToList();
        foreach (var packet in first)
        {
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(packet.ToArray(), out _));
        }

        // The extra source pushed out the first one (least recently used): its replay is taken for a fresh stream.
        // The others are still remembered.
        for (var i = 1; i < first.Count; i++)
        {
            Assert.Equal(SrtpUnprotectResult.Replayed, receiver.Unprotect(first[i].ToArray(), out _));
        }

        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(first[0].ToArray(), out _));
    }

    [Fact]
    public void Protect_PastTheKeyLifetime_SendsNothing_AndTheReceiverRefuses()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key, lifetime: 2);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key, lifetime: 1);
        var rtp = new RtpSender(0);
        var first = Protected(sender, rtp);
        var second = Protected(sender, rtp);
        var (_, buffer, length) = Packet(rtp);

        Assert.Equal(0, sender.Protect(buffer, length));
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(first, out _));
        Assert.Equal(SrtpUnprotectResult.KeyExpired, receiver.Unprotect(second, out _));
    }

    [Fact]
    public void Unprotect_ShorterThanHeaderAndTag_IsMalformed()
    {
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);

        Assert.Equal(SrtpUnprotectResult.Malformed, receiver.Unprotect(new byte[20], out _));
        Assert.Equal(SrtpUnprotectResult.Malformed, receiver.Unprotect(new byte[] { 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, out _));
    }

    [Fact]
    public void ProtectAndUnprotect_AfterWarmUp_AllocateNothing()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Key);
        var rtp = new RtpSender(0);
        var payload = new byte[160];
        var buffer = new byte[12 + 160 + SrtpContext.MaxTagLength];
        for (var i = 0; i < 50; i++) RoundTrip();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) RoundTrip();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void RoundTrip()
        {
            var length = sender.Protect(buffer, rtp.WriteAudio(buffer, payload, 160));
            if (receiver.Unprotect(buffer.AsSpan(0, length), out _) != SrtpUnprotectResult.Ok) throw new InvalidOperationException("round trip failed");
        }
    }

    private static (byte[] Plain, byte[] Buffer, int Length) Packet(RtpSender rtp)
    {
        var payload = new byte[160];
        for (var i = 0; i < payload.Length; i++) payload[i] = (byte)(0xFF - (i % 7));
        var buffer = new byte[12 + 160 + SrtpContext.MaxTagLength];
        var length = rtp.WriteAudio(buffer, payload, 160);
        return (buffer[..length], buffer, length);
    }

    private static byte[] Protected(SrtpContext sender, RtpSender rtp)
    {
        var (_, buffer, length) = Packet(rtp);
        return buffer[..sender.Protect(buffer, length)];
    }
}

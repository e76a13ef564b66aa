using FsCheck.Xunit;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class RtpPacketTests
{
    [Fact]
    public void TryParse_MinimalPacket_ReadsAllFields()
    {
        byte[] bytes = [0x80, 0x88, 0x12, 0x34, 0x00, 0x00, 0x01, 0x40, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3];

        Assert.True(RtpPacket.TryParse(bytes, out var packet));

        Assert.Equal(2, packet.Version);
        Assert.False(packet.HasPadding);
        Assert.False(packet.HasExtension);
        Assert.Equal(0, packet.CsrcCount);
        Assert.True(packet.Marker);
        Assert.Equal(8, packet.PayloadType);
        Assert.Equal(0x1234, packet.SequenceNumber);
        Assert.Equal(320u, packet.Timestamp);
        Assert.Equal(0xDEADBEEFu, packet.Ssrc);
        Assert.Equal(12, packet.HeaderLength);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Payload.ToArray());
    }

    [Fact]
    public void TryParse_CsrcExtensionAndPadding_SlicesPayloadExactly()
    {
        byte[] bytes =
        [
            0xB2, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, // V=2 P=1 X=1 CC=2
            0, 0, 0, 10, 0, 0, 0, 11,                  // CSRCs
            0xBE, 0xDE, 0, 1, 9, 9, 9, 9,             // extension: profile 0xBEDE, one word
            7, 7,                                      // payload
            0, 0, 3,                                   // padding (3 bytes, count included)
        ];

        Assert.True(RtpPacket.TryParse(bytes, out var packet));

        Assert.Equal(2, packet.CsrcCount);
        Assert.Equal(10u, packet.GetCsrc(0));
        Assert.Equal(11u, packet.GetCsrc(1));
        Assert.Equal(0xBEDE, packet.ExtensionProfile);
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, packet.ExtensionData.ToArray());
        Assert.Equal(28, packet.HeaderLength);
        Assert.Equal(new byte[] { 7, 7 }, packet.Payload.ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]                       // 11 bytes
    [InlineData(new byte[] { 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]                    // version 1
    [InlineData(new byte[] { 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]                    // version 0 (e.g. STUN)
    [InlineData(new byte[] { 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]                    // CSRC past the end
    [InlineData(new byte[] { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]           // truncated extension header
    [InlineData(new byte[] { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2 })]  // extension longer than packet
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0 })]              // padding count 0
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 3 })]              // padding past the header
    public void TryParse_Malformed_ReturnsFalse(byte[] bytes) =>
        Assert.False(RtpPacket.TryParse(bytes, out _));

    [Property]
    public bool WriteHeaderThenParse_RoundTrips(bool marker, byte payloadType, ushort sequence, uint timestamp, uint ssrc, byte[] payload)
    {
        var pt = payloadType & 0x7F;
        var buffer = new byte[12 + payload.Length];
        var written = RtpPacket.WriteHeader(buffer, marker, pt, sequence, timestamp, ssrc);
        payload.CopyTo(buffer, written);

        return RtpPacket.TryParse(buffer, out var packet)
            && packet.Marker == marker && packet.PayloadType == pt && packet.SequenceNumber == sequence
            && packet.Timestamp == timestamp && packet.Ssrc == ssrc && packet.Payload.SequenceEqual(payload)
            && !packet.HasPadding && !packet.HasExtension && packet.CsrcCount == 0;
    }

    [Property]
    public void TryParse_ArbitraryBytes_NeverThrows(byte[] bytes)
    {
        if (RtpPacket.TryParse(bytes, out var packet))
        {
            Assert.InRange(packet.HeaderLength + packet.Payload.Length, 12, bytes.Length);
        }
    }

    [Fact]
    public void WriteHeader_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => RtpPacket.WriteHeader(new byte[11], false, 0, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpPacket.WriteHeader(new byte[12], false, 128, 0, 0, 0));
    }
}

using FsCheck.Xunit;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class TelephoneEventTests
{
    [Fact]
    public void TryParse_SippEndPacket_ReadsFields()
    {
        // From dtmf_2833_1.pcap: event 1, E bit, volume 10, duration 2240 (16 kHz units).
        Assert.True(TelephoneEvent.TryParse([0x01, 0x8A, 0x08, 0xC0], out var e));

        Assert.Equal(new TelephoneEvent(1, true, 10, 2240), e);
    }

    [Fact]
    public void TryParse_ShortPayload_ReturnsFalse() =>
        Assert.False(TelephoneEvent.TryParse([1, 2, 3], out _));

    [Property]
    public bool WriteThenParse_RoundTrips(byte code, bool end, byte volume, ushort duration)
    {
        var e = new TelephoneEvent(code, end, (byte)(volume & 0x3F), duration);
        var buffer = new byte[4];
        e.WriteTo(buffer);
        return TelephoneEvent.TryParse(buffer, out var back) && back == e;
    }

    [Fact]
    public void WriteTo_ReservedBit_IsZero()
    {
        var buffer = new byte[4];

        new TelephoneEvent(11, true, 63, 0).WriteTo(buffer);

        Assert.Equal(0xBF, buffer[1]);
    }

    [Theory]
    [InlineData(0, '0')]
    [InlineData(9, '9')]
    [InlineData(10, '*')]
    [InlineData(11, '#')]
    [InlineData(12, 'A')]
    [InlineData(15, 'D')]
    public void TryGetDigit_Rfc4733Table_MapsBothWays(int code, char digit)
    {
        Assert.True(TelephoneEvent.TryGetDigit(code, out var d));
        Assert.Equal(digit, d);
        Assert.True(TelephoneEvent.TryGetEventCode(digit, out var c));
        Assert.Equal(code, c);
    }

    [Fact]
    public void TryGetEventCode_LowercaseAndInvalid()
    {
        Assert.True(TelephoneEvent.TryGetEventCode('b', out var b));
        Assert.Equal(13, b);
        Assert.False(TelephoneEvent.TryGetEventCode('x', out _));
        Assert.False(TelephoneEvent.TryGetDigit(16, out _));
    }
}

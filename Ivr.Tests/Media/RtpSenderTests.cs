using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class RtpSenderTests
{
    [Fact]
    public void WriteAudio_FirstPacketOfTalkSpurt_HasMarkerThenNone()
    {
        var sender = new RtpSender(0, 0x11223344, 100, 1000);
        var buffer = new byte[200];
        var payload = new byte[160];

        var first = Parse(buffer, sender.WriteAudio(buffer, payload, 160));
        Assert.True(first.Marker);
        Assert.Equal(100, first.Seq);
        Assert.Equal(1000u, first.Ts);

        var second = Parse(buffer, sender.WriteAudio(buffer, payload, 160));
        Assert.False(second.Marker);
        Assert.Equal(101, second.Seq);
        Assert.Equal(1160u, second.Ts);
        Assert.Equal(0x11223344u, second.Ssrc);
    }

    [Fact]
    public void StartTalkSpurt_NewPrompt_SetsMarkerOnNextPacketOnly()
    {
        var sender = new RtpSender(8, 1, 0, 0);
        var buffer = new byte[200];
        sender.WriteAudio(buffer, new byte[160], 160);

        sender.StartTalkSpurt();

        Assert.True(Parse(buffer, sender.WriteAudio(buffer, new byte[160], 160)).Marker);
        Assert.False(Parse(buffer, sender.WriteAudio(buffer, new byte[160], 160)).Marker);
    }

    [Fact]
    public void Skip_Silence_AdvancesTimestampAndMarksNextPacket()
    {
        var sender = new RtpSender(0, 1, 7, 0);
        var buffer = new byte[200];
        sender.WriteAudio(buffer, new byte[160], 160);

        sender.Skip(800);
        var next = Parse(buffer, sender.WriteAudio(buffer, new byte[160], 160));

        Assert.True(next.Marker);
        Assert.Equal(960u, next.Ts);
        Assert.Equal(8, next.Seq);
    }

    [Fact]
    public void WriteAudio_SequenceAndTimestampWrap()
    {
        var sender = new RtpSender(0, 1, ushort.MaxValue, uint.MaxValue - 80);
        var buffer = new byte[200];
        sender.WriteAudio(buffer, new byte[160], 160);

        var next = Parse(buffer, sender.WriteAudio(buffer, new byte[160], 160));

        Assert.Equal(0, next.Seq);
        Assert.Equal(79u, next.Ts);
    }

    [Fact]
    public void WriteAudio_FromPcm_EncodesInPlace()
    {
        var sender = new RtpSender(0, 1, 0, 0);
        var pcm = Signal.Sine(440, 8000, 160);
        var buffer = new byte[172];

        var length = sender.WriteAudio(buffer, AudioCodec.Pcmu, pcm);

        Assert.Equal(172, length);
        Assert.True(RtpPacket.TryParse(buffer, out var packet));
        Assert.Equal(G711.EncodeMuLaw(pcm[37]), packet.Payload[37]);
        Assert.Equal(160u, sender.Timestamp);
        Assert.Equal(160u, sender.OctetCount);
        Assert.Equal(1u, sender.PacketCount);
    }

    [Fact]
    public void Constructor_Random_DrawsDistinctSsrcs()
    {
        var ssrcs = Enumerable.Range(0, 8).Select(_ => new RtpSender(0).Ssrc).ToHashSet();

        Assert.True(ssrcs.Count >= 7);
    }

    private static (bool Marker, int Seq, uint Ts, uint Ssrc) Parse(byte[] buffer, int length)
    {
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var p));
        return (p.Marker, p.SequenceNumber, p.Timestamp, p.Ssrc);
    }
}

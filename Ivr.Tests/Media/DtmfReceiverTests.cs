using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class DtmfReceiverTests
{
    [Fact]
    public void TryProcess_StartUpdatesAndThreeEnds_ReportsOnceOnFirstPacket()
    {
        var receiver = new DtmfReceiver();

        var reports = Feed(receiver, Press(5, 1000)).ToList();

        Assert.Equal([(0, '5')], reports);
    }

    [Fact]
    public void TryProcess_ReportOnEnd_ReportsOnceOnFirstEndPacket()
    {
        var receiver = new DtmfReceiver(DtmfReportMode.OnEnd);
        var packets = Press(11, 1000);

        var reports = Feed(receiver, packets).ToList();

        Assert.Equal([(packets.FindIndex(p => p.End), '#')], reports);
    }

    [Fact]
    public void TryProcess_SameDigitTwice_NewTimestampIsNewEvent()
    {
        var receiver = new DtmfReceiver();

        var reports = Feed(receiver, [.. Press(1, 1000), .. Press(1, 3000)]).Select(r => r.Digit);

        Assert.Equal("11", string.Concat(reports));
    }

    [Fact]
    public void TryProcess_LatePacketOfPreviousEvent_Ignored()
    {
        var receiver = new DtmfReceiver();
        Feed(receiver, Press(1, 1000)).ToList();
        Feed(receiver, Press(2, 3000).Take(2)).ToList();

        Assert.False(receiver.TryProcess(1000, false, Payload(1, true, 800), out _));
    }

    [Fact]
    public void TryProcess_ReportOnEnd_AllEndsLost_ReportsPreviousWhenNextEventStarts()
    {
        var receiver = new DtmfReceiver(DtmfReportMode.OnEnd);
        Feed(receiver, Press(3, 1000).Where(p => !p.End)).ToList();

        var reports = Feed(receiver, Press(4, 3000)).Select(r => r.Digit);

        Assert.Equal("34", string.Concat(reports));
    }

    [Fact]
    public void TryProcess_StartPacketLost_StillReportsOnUpdate()
    {
        var receiver = new DtmfReceiver();

        var reports = Feed(receiver, Press(7, 1000).Skip(1)).Select(r => r.Digit);

        Assert.Equal("7", string.Concat(reports));
    }

    [Fact]
    public void TryProcess_NonDtmfEventOrShortPayload_NotReported()
    {
        var receiver = new DtmfReceiver();

        Assert.False(receiver.TryProcess(10, true, Payload(16, false, 160), out _));
        Assert.False(receiver.TryProcess(20, true, new byte[2], out _));
    }

    [Fact]
    public void TryProcess_NewSsrc_StartsAfresh()
    {
        var receiver = new DtmfReceiver();
        var buffer = new byte[16];
        var a = new RtpSender(101, 1, 0, 500);
        var b = new RtpSender(101, 2, 0, 500);
        var digits = new List<char>();
        foreach (var sender in new[] { a, b })
        {
            var length = sender.Write(buffer, true, 101, 500, Payload(9, false, 160));
            Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet));
            if (receiver.TryProcess(packet, out var digit))
            {
                digits.Add(digit);
            }
        }

        Assert.Equal("99", string.Concat(digits));
    }

    [Fact]
    public void TryProcess_LongEventContinuedInNewSegment_NotReportedTwice()
    {
        // RFC 4733 §2.5.1.3: the second segment has a new timestamp but no marker, and the event had not ended.
        var receiver = new DtmfReceiver();
        Assert.True(receiver.TryProcess(0, true, Payload(0, false, 65000), out _));

        Assert.False(receiver.TryProcess(65535, false, Payload(0, false, 400), out _));
        Assert.False(receiver.TryProcess(65535, false, Payload(0, true, 800), out _));
    }

    internal static List<(uint Timestamp, bool Marker, bool End, byte[] Payload)> Press(byte code, uint timestamp)
    {
        var packets = new List<(uint, bool, bool, byte[])> { (timestamp, true, false, Payload(code, false, 0)) };
        for (var d = 320; d < 2240; d += 320)
        {
            packets.Add((timestamp, false, false, Payload(code, false, (ushort)d)));
        }

        for (var i = 0; i < 3; i++)
        {
            packets.Add((timestamp, false, true, Payload(code, true, 2240)));
        }

        return packets;
    }

    private static IEnumerable<(int Index, char Digit)> Feed(DtmfReceiver receiver, IEnumerable<(uint Timestamp, bool Marker, bool End, byte[] Payload)> packets)
    {
        var index = 0;
        foreach (var (ts, marker, _, payload) in packets)
        {
            if (receiver.TryProcess(ts, marker, payload, out var digit))
            {
                yield return (index, digit);
            }

            index++;
        }
    }

    private static byte[] Payload(byte code, bool end, ushort duration)
    {
        var buffer = new byte[4];
        new TelephoneEvent(code, end, 10, duration).WriteTo(buffer);
        return buffer;
    }
}

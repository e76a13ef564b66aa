using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class DtmfSenderTests
{
    [Fact]
    public void Plan_160ms_StartMarkerUpdatesEvery50msAndThreeEnds()
    {
        var rtp = new RtpSender(0, 42, 10, 8000);
        var sender = new DtmfSender(rtp, 101);

        var plan = sender.Plan('5', TimeSpan.FromMilliseconds(160));

        Assert.Equal([0, 50, 100, 150, 160, 160, 160], plan.Select(p => (int)p.Offset.TotalMilliseconds));
        Assert.Equal([true, false, false, false, false, false, false], plan.Select(p => p.Marker));
        Assert.Equal([400, 800, 1200, 1280, 1280, 1280, 1280], plan.Select(p => (int)p.Event.Duration));
        Assert.Equal([false, false, false, false, true, true, true], plan.Select(p => p.Event.End));
        Assert.All(plan, p => Assert.Equal(8000u, p.Timestamp));
        Assert.All(plan, p => Assert.Equal(5, p.Event.Event));
    }

    [Fact]
    public void Write_PlannedPackets_ConsecutiveSequenceSameTimestampAtDtmfPt()
    {
        var rtp = new RtpSender(0, 42, 65534, 1234);
        var sender = new DtmfSender(rtp, 96);
        var buffer = new byte[16];
        var seqs = new List<int>();

        foreach (var packet in sender.Plan('#', TimeSpan.FromMilliseconds(100)))
        {
            var length = sender.Write(buffer, packet);
            Assert.Equal(16, length);
            Assert.True(RtpPacket.TryParse(buffer, out var parsed));
            Assert.Equal(96, parsed.PayloadType);
            Assert.Equal(1234u, parsed.Timestamp);
            Assert.Equal(42u, parsed.Ssrc);
            seqs.Add(parsed.SequenceNumber);
        }

        Assert.Equal([65534, 65535, 0, 1, 2], seqs);
    }

    [Theory]
    [InlineData("0123456789*#ABCD", DtmfReportMode.OnStart)]
    [InlineData("0123456789*#ABCD", DtmfReportMode.OnEnd)]
    [InlineData("1111", DtmfReportMode.OnStart)]
    public void SenderToReceiver_EveryDigit_ReportedExactlyOnce(string digits, DtmfReportMode mode)
    {
        var rtp = new RtpSender(0, 7, 0, 0);
        var sender = new DtmfSender(rtp, 101);
        var receiver = new DtmfReceiver(mode);
        var buffer = new byte[16];
        var heard = new List<char>();

        foreach (var digit in digits)
        {
            foreach (var packet in sender.Plan(digit, TimeSpan.FromMilliseconds(120)))
            {
                var length = sender.Write(buffer, packet);
                Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var parsed));
                if (receiver.TryProcess(parsed, out var d))
                {
                    heard.Add(d);
                }
            }

            // The audio clock moves on over the tone and a gap, as the pacing loop would do.
            rtp.Skip(1600);
        }

        Assert.Equal(digits, string.Concat(heard));
    }

    [Fact]
    public void Plan_At16kClock_CountsDurationIn16kUnits()
    {
        var sender = new DtmfSender(new RtpSender(0, 1, 0, 0), 101, clockRate: 16000);

        var plan = sender.Plan('1', TimeSpan.FromMilliseconds(140));

        Assert.Equal(2240, plan[^1].Event.Duration);
    }

    [Fact]
    public void Plan_InvalidDigit_Throws() =>
        Assert.Throws<ArgumentException>(() => new DtmfSender(new RtpSender(0), 101).Plan('x', TimeSpan.FromMilliseconds(100)));
}

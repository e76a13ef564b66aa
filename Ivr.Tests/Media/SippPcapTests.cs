using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>Replays the RTP that sipp itself sends (its shipped pcaps) through our parsers.</summary>
public class SippPcapTests
{
    private const string PcapFolder = "/usr/share/sip-tester";

    [Fact]
    public void DtmfReceiver_Dtmf2833_1_ReportsExactlyOneDigitOne()
    {
        var digits = ReceiveDigits("dtmf_2833_1.pcap", DtmfReportMode.OnStart);

        Assert.Equal("1", digits);
    }

    [Theory]
    [InlineData("dtmf_2833_0.pcap", "0")]
    [InlineData("dtmf_2833_1.pcap", "1")]
    [InlineData("dtmf_2833_2.pcap", "2")]
    [InlineData("dtmf_2833_3.pcap", "3")]
    [InlineData("dtmf_2833_4.pcap", "4")]
    [InlineData("dtmf_2833_5.pcap", "5")]
    [InlineData("dtmf_2833_6.pcap", "6")]
    [InlineData("dtmf_2833_7.pcap", "7")]
    [InlineData("dtmf_2833_8.pcap", "8")]
    [InlineData("dtmf_2833_9.pcap", "9")]
    [InlineData("dtmf_2833_star.pcap", "*")]
    [InlineData("dtmf_2833_pound.pcap", "#")]
    public void DtmfReceiver_EverySippDigitPcap_ReportsItsDigitOnceInBothModes(string file, string expected)
    {
        Assert.Equal(expected, ReceiveDigits(file, DtmfReportMode.OnStart));
        Assert.Equal(expected, ReceiveDigits(file, DtmfReportMode.OnEnd));
    }

    [Fact]
    public void Dtmf2833Pcap_HasTheShapeTestingMdDescribes()
    {
        var packets = Rtp("dtmf_2833_1.pcap");

        Assert.All(packets, p => Assert.Equal(101, p.PayloadType));
        Assert.Single(packets.Select(p => p.Timestamp).Distinct());
        Assert.True(packets[0].Marker);
        Assert.All(packets.Skip(1), p => Assert.False(p.Marker));
        var events = packets.Select(p => Event(p.Payload)).ToList();
        Assert.Equal(3, events.Count(e => e.End));
        Assert.True(events.TakeLast(3).All(e => e.End && e.Duration == events[^1].Duration));

        // Updates every 20 ms grow by 320 units: a 16 kHz clock.
        Assert.Equal(320, events[1].Duration - events[0].Duration);
    }

    [Fact]
    public void G711aPcap_IsPcmaIn30msPackets()
    {
        var packets = Rtp("g711a.pcap");

        Assert.NotEmpty(packets);
        Assert.All(packets, p => Assert.Equal(8, p.PayloadType));
        Assert.All(packets, p => Assert.Equal(240, p.Payload.Length));
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal(240u, unchecked(packets[i].Timestamp - packets[i - 1].Timestamp));
        }
    }

    [Fact]
    public void G711aPcap_DecodesToAudioWithoutLoss()
    {
        var packets = Rtp("g711a.pcap");
        var stats = new RtpReceiverStats(minSequential: 1);
        var pcm = new short[240];
        double energy = 0;

        foreach (var p in packets)
        {
            stats.Update(p.SequenceNumber, p.Timestamp, p.Timestamp);
            G711.DecodeALaw(p.Payload, pcm);
            energy += Signal.Rms(pcm);
        }

        Assert.Equal(0, stats.Lost);
        Assert.Equal(packets.Count, stats.Received);
        Assert.True(energy / packets.Count > 100, "the capture holds audible audio");
    }

    private static string ReceiveDigits(string file, DtmfReportMode mode)
    {
        var receiver = new DtmfReceiver(mode);
        var digits = new List<char>();
        foreach (var datagram in PcapReader.ReadUdp(Path.Combine(PcapFolder, file)))
        {
            if (RtpPacket.TryParse(datagram.Payload, out var packet) && packet.PayloadType == 101
                && receiver.TryProcess(packet, out var digit))
            {
                digits.Add(digit);
            }
        }

        return string.Concat(digits);
    }

    private static List<ParsedRtp> Rtp(string file) =>
        PcapReader.ReadUdp(Path.Combine(PcapFolder, file))
            .Select(d => RtpPacket.TryParse(d.Payload, out var p)
                ? new ParsedRtp(p.PayloadType, p.Marker, p.SequenceNumber, p.Timestamp, p.Payload.ToArray())
                : null)
            .OfType<ParsedRtp>()
            .ToList();

    private static TelephoneEvent Event(byte[] payload)
    {
        Assert.True(TelephoneEvent.TryParse(payload, out var e));
        return e;
    }

    private sealed record ParsedRtp(int PayloadType, bool Marker, ushort SequenceNumber, uint Timestamp, byte[] Payload);
}

using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>The RTP sipp sends (its shipped pcaps) replayed from a raw UDP socket into a real session.</summary>
[Collection(RealTimeMediaCollection.Name)]
public sealed class RtpMediaSessionSippPcapTests
{
    private const string PcapFolder = "/usr/share/sip-tester";

    [Fact]
    public async Task Receive_SippDtmf2833_1_ReportsOneDigitOne()
    {
        await using var rig = new MediaRig();
        using var sipp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var session = await rig.StartAsync((IPEndPoint)sipp.Client.LocalEndPoint!);
        var heard = new FrameLog(session);
        var packets = PcapReader.ReadUdp(Path.Combine(PcapFolder, "dtmf_2833_1.pcap"));

        foreach (var datagram in packets)
        {
            await sipp.SendAsync(datagram.Payload, session.LocalEndPoint);
        }

        // One audio packet after the capture: once it is heard, every DTMF packet before it has been handled.
        var audio = new byte[RtpPacket.FixedHeaderSize + 160];
        new RtpSender(0).WriteAudio(audio, AudioCodec.Pcmu, new short[160]);
        await sipp.SendAsync(audio, session.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the audio packet after the capture");

        Assert.Equal("1", heard.Digits);
        Assert.Equal(packets.Count + 1, session.PacketsReceived);
    }

    [Fact]
    public async Task Receive_SippG711aPcapIntoPcma30Session_Raises240SampleFrames()
    {
        await using var rig = new MediaRig();
        using var sipp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var session = await rig.StartAsync((IPEndPoint)sipp.Client.LocalEndPoint!, MediaRig.Pcma30);
        var sizes = new List<int>();
        using var arrived = new SemaphoreSlim(0);
        session.AudioReceived += samples =>
        {
            lock (sizes)
            {
                sizes.Add(samples.Length);
            }

            arrived.Release();
        };
        var packets = PcapReader.ReadUdp(Path.Combine(PcapFolder, "g711a.pcap"));

        foreach (var datagram in packets)
        {
            // One at a time, so a burst never overflows the socket buffer.
            await sipp.SendAsync(datagram.Payload, session.LocalEndPoint);
            Assert.True(await arrived.WaitAsync(MediaRig.Timeout), "frame decoded");
        }

        Assert.Equal(packets.Count, sizes.Count);
        Assert.All(sizes, n => Assert.Equal(240, n));
        Assert.Equal(0, session.ReceiverStats!.Lost);
    }
}

using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>What a session puts on the wire, read by a raw UDP peer: headers, markers, timestamps, RFC 4733 events.</summary>
[Collection(RealTimeMediaCollection.Name)]
public sealed class RtpMediaSessionWireTests
{
    [Fact]
    public async Task Play_OnTheWire_MarkerOnFirstPromptPacketAndTimestampsFollowSampleCounts()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var session = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);
        await ReceiveAsync(peer);

        session.Play(MediaRig.Tone(440, TimeSpan.FromMilliseconds(200)));
        var packets = new List<Header>();
        while (packets.Count(p => p.Loud) < 10 || packets[^1].Loud)
        {
            packets.Add(await ReceiveAsync(peer));
        }

        Assert.All(packets, p => Assert.Equal(0, p.PayloadType));
        Assert.Single(packets.Select(p => p.Ssrc).Distinct());
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal((ushort)(packets[i - 1].Sequence + 1), packets[i].Sequence);
            Assert.Equal(packets[i - 1].Timestamp + 160, packets[i].Timestamp);
        }

        var firstLoud = packets.FindIndex(p => p.Loud);
        Assert.True(packets[firstLoud].Marker, "marker on the prompt's first packet (RFC 3551 §4.1)");
        Assert.Equal(1, packets.Count(p => p.Marker));
        Assert.Equal(10, packets.Count(p => p.Loud));
    }

    [Fact]
    public async Task SendDtmf_OnTheWire_Rfc4733EventThenAudioClockSkipsOverIt()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var session = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);
        var before = await ReceiveAsync(peer);

        session.SendDtmf('#');
        var packets = new List<Header>();
        while (packets.Count(p => p.PayloadType == 101) < 5 || packets[^1].PayloadType == 101)
        {
            packets.Add(await ReceiveAsync(peer));
        }

        var events = packets.Where(p => p.PayloadType == 101).ToList();
        var firstEvent = packets.FindIndex(p => p.PayloadType == 101);
        var resumed = packets[^1];
        Assert.True(events[0].Marker);
        Assert.All(events.Skip(1), e => Assert.False(e.Marker));
        Assert.Single(events.Select(e => e.Timestamp).Distinct());
        Assert.All(events, e => Assert.Equal(11, e.Payload[0]));
        Assert.Equal(3, events.Count(e => (e.Payload[1] & 0x80) != 0));
        Assert.Equal(800, (events[^1].Payload[2] << 8) | events[^1].Payload[3]);

        // The event starts where audio was; audio resumes later on the same clock, with a marker.
        var lastAudioBefore = firstEvent > 0 ? packets[firstEvent - 1] : before;
        Assert.Equal(lastAudioBefore.Timestamp + 160, events[0].Timestamp);
        Assert.True(resumed.Marker);
        Assert.True(resumed.Timestamp - events[0].Timestamp >= 800, "audio clock advanced over the event");
        Assert.Equal(0u, (resumed.Timestamp - events[0].Timestamp) % 160);
    }

    private static async Task<Header> ReceiveAsync(UdpClient peer)
    {
        var datagram = await peer.ReceiveAsync().WaitAsync(MediaRig.Timeout);
        Assert.True(RtpPacket.TryParse(datagram.Buffer, out var packet));
        var loud = false;
        if (packet.PayloadType == 0)
        {
            var pcm = new short[packet.Payload.Length];
            G711.DecodeMuLaw(packet.Payload, pcm);
            loud = Signal.Rms(pcm) > 1000;
        }

        return new Header(packet.PayloadType, packet.Marker, packet.SequenceNumber, packet.Timestamp, packet.Ssrc, loud, packet.Payload.ToArray());
    }

    private sealed record Header(int PayloadType, bool Marker, ushort Sequence, uint Timestamp, uint Ssrc, bool Loud, byte[] Payload);
}

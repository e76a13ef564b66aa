using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Net;
using Ivr.Engine.Media;
using Xunit.Abstractions;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Tests.Media;

/// <summary>Two real sessions (or a session and a raw UDP peer) talking over 127.0.0.1.</summary>
[Collection(RealTimeMediaCollection.Name)]
public sealed class RtpMediaSessionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Play_WavPromptToPeer_PeerHearsItPacedAt20msAndPlaybackFinishedFiresOnce()
    {
        await using var rig = new MediaRig();
        var (a, b) = await rig.PairAsync();
        var heard = new FrameLog(b);
        var finished = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PlaybackFinished += _ =>
        {
            Interlocked.Increment(ref finished);
            done.TrySetResult();
        };
        var prompt = new PromptCache(MediaRig.SoundsFolder).Get("en-US/welcome.wav");
        var expectedFrames = (prompt.Samples.Length + 159) / 160;

        // Half a second of comfort silence first, so start-up (JIT, thread pool) is behind us before measuring.
        await heard.WaitAsync(l => l.Count >= 25, "comfort silence before the prompt");
        var before = heard.Count;
        a.Play(prompt);
        await done.Task.WaitAsync(MediaRig.Timeout);
        await heard.WaitAsync(l => l.Count >= before + expectedFrames + 10, "silence after the prompt");

        Assert.Equal(1, Volatile.Read(ref finished));
        Assert.False(a.IsPlaying);
        var frames = heard.Snapshot().Skip(before).ToList();
        Assert.All(frames, f => Assert.Equal(160, f.Samples));
        var loud = frames.Count(f => f.Rms > 300);
        Assert.InRange(loud, expectedFrames / 3, expectedFrames);

        var gaps = FrameLog.GapsMs(frames);
        var median = FrameLog.Percentile(gaps, 50);
        output.WriteLine($"late arrivals at frames: {string.Join(", ", gaps.Select((g, i) => (g, i)).Where(x => x.g > 60).Select(x => $"{x.i}:{x.g:F0}ms"))}");
        output.WriteLine($"{frames.Count} frames, {loud} loud; gap median {median:F2} ms, p99 {FrameLog.Percentile(gaps, 99):F2} ms, max {gaps.Max():F2} ms");
        output.WriteLine($"pacer: {rig.Pacer.PacketsSent} sent, {rig.Pacer.LateSends} late, p99 {rig.Pacer.GetLatenessPercentile(99).TotalMilliseconds} ms, max {rig.Pacer.MaxLateness.TotalMilliseconds:F2} ms");
        Assert.InRange(median, 12, 28);
        Assert.Equal(0, b.ReceiverStats!.Lost);
    }

    [Fact]
    public async Task Play_Pcma30ms_PeerGets240SampleFramesEvery30ms()
    {
        await using var rig = new MediaRig();
        var (a, b) = await rig.PairAsync(MediaRig.Pcma30);
        var heard = new FrameLog(b);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PlaybackFinished += _ => done.TrySetResult();

        a.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(1)));
        await done.Task.WaitAsync(MediaRig.Timeout);
        await heard.WaitAsync(l => l.CountLoud(440) >= 33, "the whole tone");

        // The receiving session decodes 240-sample frames, the whole tone.
        Assert.All(heard.Snapshot(), f => Assert.Equal(240, f.Samples));
        Assert.InRange(heard.CountLoud(440), 33, 35);

        // The pace, read by a receiver on its own thread (the session's receive loop runs on the thread pool, which other
        // tests in this process may hold up): 240-byte PCMA payloads, RTP timestamps 240 apart, every 30 ms.
        using var sniffer = new BlockingRtpSniffer();
        var c = await rig.StartAsync(sniffer.EndPoint, MediaRig.Pcma30);
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        c.PlaybackFinished += _ => sent.TrySetResult();
        c.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(1)));
        await sent.Task.WaitAsync(MediaRig.Timeout);
        for (var i = 0; i < 100 && sniffer.Count < 34; i++) await Task.Delay(20);
        var packets = sniffer.Snapshot().Take(34).ToList();
        Assert.Equal(34, packets.Count);
        Assert.All(packets, p => Assert.Equal(240, p.Payload));
        Assert.All(packets.Zip(packets.Skip(1)), p => Assert.Equal(240u, p.Second.Timestamp - p.First.Timestamp));
        var gaps = packets.Zip(packets.Skip(1)).Select(p => (p.Second.At - p.First.At) * 1000.0 / System.Diagnostics.Stopwatch.Frequency).Order().ToList();
        var median = gaps[gaps.Count / 2];
        output.WriteLine($"{packets.Count} packets, gap median {median:F2} ms (session-side median was {FrameLog.Percentile(FrameLog.GapsMs(heard.Snapshot()), 50):F2} ms)");
        Assert.InRange(median, 25, 35);
    }

    [Fact]
    public async Task Play_TwoClips_PlayInSequenceAndPlaybackFinishedFiresOnceAtTheEnd()
    {
        await using var rig = new MediaRig();
        var (a, b) = await rig.PairAsync();
        var heard = new FrameLog(b);
        var finished = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PlaybackFinished += _ =>
        {
            Interlocked.Increment(ref finished);
            done.TrySetResult();
        };

        a.Play(MediaRig.Tone(440, TimeSpan.FromMilliseconds(400)));
        a.Play(MediaRig.Tone(1000, TimeSpan.FromMilliseconds(400)));
        await done.Task.WaitAsync(MediaRig.Timeout);
        var count = heard.Count;
        await heard.WaitAsync(l => l.Count >= count + 10, "frames after the queue ended");

        Assert.Equal(1, Volatile.Read(ref finished));
        var frames = heard.Snapshot();
        var first440 = frames.FindIndex(f => f.IsTone(440));
        var first1000 = frames.FindIndex(f => f.IsTone(1000));
        Assert.True(first440 >= 0 && first1000 > first440, "440 Hz then 1 kHz");
        Assert.Equal(20, heard.CountLoud(440));
        Assert.Equal(20, heard.CountLoud(1000));
    }

    [Fact]
    public async Task StopPlayback_MidPrompt_AudioStopsWithinOneFrameAndNothingIsRaised()
    {
        await using var rig = new MediaRig();
        var (a, b) = await rig.PairAsync();
        var heard = new FrameLog(b);
        var finished = false;
        a.PlaybackFinished += _ => finished = true;

        a.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(10)));
        await heard.WaitAsync(l => l.CountLoud(440) >= 10, "ten frames of the prompt");
        a.StopPlayback();
        var atStop = heard.Count;
        await heard.WaitAsync(l => l.Count >= atStop + 10, "ten frames after stopping");

        var after = heard.Snapshot().Skip(atStop).ToList();
        var toneAfterStop = after.Count(f => f.IsTone(440));
        output.WriteLine($"tone frames after StopPlayback: {toneAfterStop}");

        // One frame may already be on the wire when StopPlayback returns.
        Assert.InRange(toneAfterStop, 0, 1);
        Assert.All(after.Skip(1), f => Assert.True(f.Rms < 50, "comfort silence"));
        Assert.False(a.IsPlaying);
        Assert.False(finished);
    }

    [Fact]
    public async Task SendDtmf_OneDigit_PeerReportsItExactlyOnce()
    {
        await using var rig = new MediaRig();
        var (a, b) = await rig.PairAsync();
        var heard = new FrameLog(b);

        a.SendDtmf('5');
        await heard.WaitAsync(l => l.Digits.Length >= 1, "the digit");
        var count = heard.Count;

        // Past the three end packets (3 × 20 ms) and the resumed audio.
        await heard.WaitAsync(l => l.Count >= count + 10, "audio after the event");
        Assert.Equal("5", heard.Digits);
    }

    [Fact]
    public async Task SendDtmf_SeveralDigitsDuringAPrompt_ArriveInOrderOnceEachAndThePromptResumes()
    {
        await using var rig = new MediaRig();
        var (a, b) = await rig.PairAsync(MediaRig.Pcma30);
        var heard = new FrameLog(b);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PlaybackFinished += _ => done.TrySetResult();

        a.Play(MediaRig.Tone(1000, TimeSpan.FromMilliseconds(600)));
        a.SendDtmf('1');
        a.SendDtmf('#');
        a.SendDtmf('9');
        await done.Task.WaitAsync(MediaRig.Timeout);
        await heard.WaitAsync(l => l.Digits.Length >= 3, "three digits");
        var count = heard.Count;
        await heard.WaitAsync(l => l.Count >= count + 10, "audio after the events");

        Assert.Equal("1#9", heard.Digits);

        // Audio paused during the events, none of the prompt was lost.
        Assert.Equal(20, heard.CountLoud(1000));
    }

    [Fact]
    public async Task Receive_NonRtpJunk_IsIgnored()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);
        var heard = new FrameLog(b);

        byte[][] junk =
        [
            [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], // STUN binding request
            [0x40, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // version 1
            [0x80, 0x00, 0x01], // too short
            [0x81, 0xC8, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // RTCP SR
            "hello linphone"u8.ToArray(),
        ];
        foreach (var datagram in junk)
        {
            await peer.SendAsync(datagram, b.LocalEndPoint);
        }

        await peer.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the valid packet");

        Assert.Equal(1, heard.Count);
        Assert.Equal(junk.Length, b.PacketsIgnored);
        Assert.Equal(1, b.PacketsReceived);
    }

    [Fact]
    public async Task Receive_AudioPosition_FollowsTheCallersRtpTimeAcrossWrapLossAndReordering()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);
        var positions = new List<TimeSpan?>();
        var got = new SemaphoreSlim(0);
        b.AudioReceived += _ =>
        {
            lock (positions) positions.Add(b.ReceivedAudioPosition);
            got.Release();
        };

        // The timestamp wraps after the first packet; the fourth is an older packet arriving late; two are lost before
        // the fifth; the sixth comes from a new source (a re-INVITE's new stream) with an unrelated timestamp.
        const uint ssrc = 0x1234;
        const uint first = uint.MaxValue - 100;
        (uint Ssrc, ushort Sequence, uint Timestamp)[] sent =
        [
            (ssrc, 1, first), (ssrc, 2, unchecked(first + 160)), (ssrc, 3, unchecked(first + 320)), (ssrc, 2, unchecked(first + 160)),
            (ssrc, 6, unchecked(first + 800)),
            (0x9999, 500, 7),
        ];
        foreach (var (source, sequence, timestamp) in sent)
        {
            await peer.SendAsync(RtpAudio(new RtpSender(0, source, sequence, timestamp), 160), b.LocalEndPoint);
            Assert.True(await got.WaitAsync(MediaRig.Timeout), "the packet was delivered");
        }

        Assert.Equal([0, 20, 40, 40, 100, 100], positions.Select(p => (int)p!.Value.TotalMilliseconds));
    }

    [Fact]
    public async Task Receive_FromAnotherSource_IsIgnored()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);
        var heard = new FrameLog(b);

        var strangerStream = new RtpSender(0);
        for (var i = 0; i < 5; i++)
        {
            await stranger.SendAsync(RtpAudio(strangerStream, 160, 8000), b.LocalEndPoint);
        }

        await peer.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the negotiated peer's packet");

        Assert.Equal(1, heard.Count);
        Assert.Equal(5, b.PacketsFromUnexpectedSource);
        Assert.True(heard.Snapshot()[0].Rms < 50, "the stranger's loud audio was not decoded");
    }

    [Fact]
    public async Task Receive_SdpAddressUnspecified_LatchesToTheFirstSourceAndSendsThere()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync(new IPEndPoint(IPAddress.Any, 0));
        var heard = new FrameLog(b);

        await peer.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the first packet");
        await stranger.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        var echo = await peer.ReceiveAsync().WaitAsync(MediaRig.Timeout);

        Assert.Equal(peer.Client.LocalEndPoint, b.RemoteEndPoint);
        Assert.True(RtpPacket.TryParse(echo.Buffer, out var packet));
        Assert.Equal(0, packet.PayloadType);
        Assert.Equal(b.LocalEndPoint, echo.RemoteEndPoint);
        await peer.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 2, "the second packet");
        Assert.Equal(1, b.PacketsFromUnexpectedSource);
    }

    /// <summary>
    /// A phone behind NAT: its SDP names a private address (here 127.0.0.2, configured as the private range), its packets
    /// come from its NAT's mapping (127.0.0.1). The session sends to the SDP address until the first packet, then to
    /// where that packet came from, and from then on takes no other source (RFC 4961 symmetric RTP).
    /// </summary>
    [Fact]
    public async Task Receive_PrivateSdpAddress_SendsThereUntilThePeersFirstPacket_ThenWhereItCameFrom()
    {
        await using var rig = new MediaRig();
        using var advertised = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        using var mapped = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync((IPEndPoint)advertised.Client.LocalEndPoint!, natNetworks: NatNetworks.Parse("127.0.0.2/32"));
        var heard = new FrameLog(b);

        var beforeLatch = await advertised.ReceiveAsync().WaitAsync(MediaRig.Timeout);
        Assert.Equal(b.LocalEndPoint, beforeLatch.RemoteEndPoint);
        await mapped.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the phone's first packet, from its NAT mapping");
        var afterLatch = await mapped.ReceiveAsync().WaitAsync(MediaRig.Timeout);

        Assert.True(RtpPacket.TryParse(afterLatch.Buffer, out _));
        Assert.Equal(mapped.Client.LocalEndPoint, b.RemoteEndPoint);
        await stranger.SendAsync(RtpAudio(new RtpSender(0), 160, 8000), b.LocalEndPoint);
        await mapped.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 2, "the phone's second packet");
        Assert.Equal(1, b.PacketsFromUnexpectedSource);
        Assert.Equal(1, rig.Counters.NatLatched);
    }

    /// <summary>
    /// A peer on the engine's own private network that sends from another port than its SDP names (asymmetric RTP, as
    /// some gateways do): it is not behind NAT (same address), so audio keeps going to its SDP port; its packets count.
    /// </summary>
    [Fact]
    public async Task Receive_PrivateSdpAddress_SameHostOtherPort_KeepsSendingToTheSdpPort()
    {
        await using var rig = new MediaRig();
        using var receiving = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        using var sending = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var b = await rig.StartAsync((IPEndPoint)receiving.Client.LocalEndPoint!, natNetworks: NatNetworks.Parse("127.0.0.2/32"));
        var heard = new FrameLog(b);

        await sending.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the gateway's packet from its other port");
        var packet = await receiving.ReceiveAsync().WaitAsync(MediaRig.Timeout);
        await sending.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 2, "its second packet");

        Assert.True(RtpPacket.TryParse(packet.Buffer, out _));
        Assert.Equal(receiving.Client.LocalEndPoint, b.RemoteEndPoint);
        Assert.Equal(0, rig.Counters.NatLatched);
        Assert.Equal(0, b.PacketsFromUnexpectedSource);
    }

    /// <summary>A packet from port 0 (a raw-socket sender that left it unset) cannot be answered: never latched onto.</summary>
    [Fact]
    public async Task Receive_FromPortZero_IsNotLatchedOnto_TheNextRealSourceIs()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync(new IPEndPoint(IPAddress.Any, 0));
        var heard = new FrameLog(b);

        b.OnDatagram(RtpAudio(new RtpSender(0), 160), new IPEndPoint(IPAddress.Loopback, 0).Serialize());
        await peer.SendAsync(RtpAudio(new RtpSender(0), 160), b.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the real peer's packet");

        Assert.Equal(1, b.PacketsFromUnexpectedSource);
        Assert.Equal(peer.Client.LocalEndPoint, b.RemoteEndPoint);
        Assert.Equal(0, rig.Counters.NatLatched); // no SDP address to differ from
    }

    [Fact]
    public async Task Idle_SendsComfortSilenceEvery20ms()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);

        var sequence = new List<ushort>();
        for (var i = 0; i < 10; i++)
        {
            var datagram = await peer.ReceiveAsync().WaitAsync(MediaRig.Timeout);
            Assert.True(RtpPacket.TryParse(datagram.Buffer, out var packet));
            Assert.Equal(160, packet.Payload.Length);
            Assert.All(packet.Payload.ToArray(), x => Assert.Equal(0xFF, x));
            sequence.Add(packet.SequenceNumber);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ushort)(sequence[0] + i)), sequence);
    }

    [Fact]
    public async Task Recording_WhilePeerPlays_WritesTheHeardAudioToWav()
    {
        await using var rig = new MediaRig();
        using var temp = new ExternalTool();
        var (a, b) = await rig.PairAsync();
        var heard = new FrameLog(b);
        var path = temp.PathOf("rec.wav");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PlaybackFinished += _ => done.TrySetResult();

        b.StartRecording(path);
        a.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(1)));
        await done.Task.WaitAsync(MediaRig.Timeout);
        await heard.WaitAsync(l => l.CountLoud(440) >= 50, "the tone");
        var duration = b.StopRecording();

        var recorded = WavFile.Read(path);
        Assert.Equal(recorded.Length / 8000.0, duration.TotalSeconds, 3);
        Assert.InRange(duration.TotalSeconds, 1.0, 5.0);
        Assert.True(Signal.PowerAt(recorded, 440, 8000) > 100 * Signal.PowerAt(recorded, 1000, 8000));
    }

    [Fact]
    public async Task Close_ReleasesThePortAndStopsSending()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var b = await rig.StartAsync((IPEndPoint)peer.Client.LocalEndPoint!);
        await peer.ReceiveAsync().WaitAsync(MediaRig.Timeout);
        Assert.Equal(1, rig.Ports.InUse);
        Assert.Equal(1, rig.Pacer.SenderCount);

        await b.DisposeAsync();
        b.Close();
        b.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(1)));

        Assert.Equal(0, rig.Ports.InUse);
        Assert.Equal(0, rig.Pacer.SenderCount);
        Assert.False(b.IsPlaying);
    }

    private static byte[] RtpAudio(RtpSender sender, int samples, short amplitude = 0)
    {
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            pcm[i] = (short)(amplitude * Math.Sin(2 * Math.PI * 440 * i / 8000));
        }

        var packet = new byte[RtpPacket.FixedHeaderSize + samples];
        sender.WriteAudio(packet, AudioCodec.Pcmu, pcm);
        return packet;
    }
}

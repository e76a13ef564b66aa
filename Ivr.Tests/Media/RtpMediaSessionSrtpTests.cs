using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>Sessions keyed for SRTP over 127.0.0.1: what they send is protected, what they receive is checked.</summary>
[Collection(RealTimeMediaCollection.Name)]
public sealed class RtpMediaSessionSrtpTests
{
    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpSuite.AesCm128HmacSha1_32)]
    public async Task Play_BetweenTwoSrtpSessions_ThePeerHearsTheWholeTone(SrtpSuite suite)
    {
        await using var rig = new MediaRig();
        var a = rig.Create();
        var b = rig.Create();
        var (keysA, keysB) = MirroredKeys(suite);
        a.Configure(MediaRig.Media(b.LocalEndPoint) with { Srtp = keysA });
        b.Configure(MediaRig.Media(a.LocalEndPoint) with { Srtp = keysB });
        await a.StartAsync();
        await b.StartAsync();
        var heard = new FrameLog(b);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PlaybackFinished += _ => done.TrySetResult();

        a.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(1)));
        await done.Task.WaitAsync(MediaRig.Timeout);
        await heard.WaitAsync(l => l.CountLoud(440) >= 50, "the whole tone");

        Assert.True(a.IsSecure && b.IsSecure);
        Assert.Equal(0, b.SrtpAuthenticationFailures + b.SrtpReplays);
        Assert.Equal(0, b.PacketsIgnored);
    }

    [Fact]
    public async Task Receive_TamperedReplayedAndForeignKeyedPackets_AreDroppedAndCounted_TheStreamGoesOn()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var (ours, theirs) = MirroredKeys(SrtpSuite.AesCm128HmacSha1_80);
        var session = rig.Create();
        session.Configure(MediaRig.Media((IPEndPoint)peer.Client.LocalEndPoint!) with { Srtp = ours });
        await session.StartAsync();
        var heard = new FrameLog(session);
        using var peerSend = theirs.CreateSendContext();
        using var stranger = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, NegotiatedSrtp.NewKey());
        var rtp = new RtpSender(0);

        var first = Protect(peerSend, rtp);
        await peer.SendAsync(first, session.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the first packet");
        await peer.SendAsync(first, session.LocalEndPoint); // replayed
        var tampered = Protect(peerSend, rtp);
        tampered[20] ^= 0x40;
        await peer.SendAsync(tampered, session.LocalEndPoint);
        await peer.SendAsync(Protect(stranger, rtp), session.LocalEndPoint); // keyed by someone else
        await peer.SendAsync(Protect(peerSend, rtp), session.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 2, "the packet after the bad ones");

        Assert.Equal(2, heard.Count);
        Assert.Equal(1, session.SrtpReplays);
        Assert.Equal(2, session.SrtpAuthenticationFailures);
        Assert.Equal(1, rig.Counters.SrtpReplays);
        Assert.Equal(2, rig.Counters.SrtpAuthenticationFailures);
        Assert.Equal(0, session.Faults);
    }

    [Fact]
    public async Task Send_ComfortSilence_LeavesEncryptedWithATag_AndDecryptsToSilence()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var (ours, theirs) = MirroredKeys(SrtpSuite.AesCm128HmacSha1_32);
        var session = rig.Create();
        session.Configure(MediaRig.Media((IPEndPoint)peer.Client.LocalEndPoint!) with { Srtp = ours });
        await session.StartAsync();
        using var peerReceive = theirs.CreateReceiveContext();

        for (var i = 0; i < 10; i++)
        {
            using var cts = new CancellationTokenSource(MediaRig.Timeout);
            var wire = (await peer.ReceiveAsync(cts.Token)).Buffer;

            Assert.Equal(12 + 160 + 4, wire.Length);
            Assert.NotEqual(160, wire.Skip(12).Take(160).Count(x => x == 0xFF));
            Assert.Equal(SrtpUnprotectResult.Ok, peerReceive.Unprotect(wire, out var length));
            Assert.All(wire[12..length], x => Assert.Equal(0xFF, x));
        }
    }

    [Fact]
    public async Task Configure_AgainWithOtherKeys_IsRefused_AndTheSessionKeepsItsContexts()
    {
        await using var rig = new MediaRig();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var remote = (IPEndPoint)peer.Client.LocalEndPoint!;
        var (ours, theirs) = MirroredKeys(SrtpSuite.AesCm128HmacSha1_80);
        var (other, _) = MirroredKeys(SrtpSuite.AesCm128HmacSha1_80);
        var session = rig.Create();
        session.Configure(MediaRig.Media(remote) with { Srtp = ours });
        await session.StartAsync();
        var heard = new FrameLog(session);
        using var peerSend = theirs.CreateSendContext();
        var rtp = new RtpSender(0);
        var first = Protect(peerSend, rtp);
        await peer.SendAsync(first, session.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 1, "the first packet");

        Assert.Throws<InvalidOperationException>(() => session.Configure(MediaRig.Media(remote) with { Srtp = other }));
        Assert.Throws<InvalidOperationException>(() => session.Configure(MediaRig.Media(remote)));
        // The same keys again are a plain reconfiguration: the receive context (and its replay list) stays.
        session.Configure(MediaRig.Media(remote) with { Srtp = ours });
        await peer.SendAsync(first, session.LocalEndPoint);
        await peer.SendAsync(Protect(peerSend, rtp), session.LocalEndPoint);
        await heard.WaitAsync(l => l.Count >= 2, "the packet after the refused re-keying");

        Assert.Equal(2, heard.Count);
        Assert.Equal(1, session.SrtpReplays);
        Assert.Equal(0, session.SrtpAuthenticationFailures);
    }

    private static (NegotiatedSrtp A, NegotiatedSrtp B) MirroredKeys(SrtpSuite suite)
    {
        var one = NegotiatedSrtp.NewKey();
        var two = NegotiatedSrtp.NewKey();
        return (new NegotiatedSrtp(1, suite, one, two), new NegotiatedSrtp(1, suite, two, one));
    }

    private static byte[] Protect(SrtpContext context, RtpSender rtp)
    {
        var buffer = new byte[12 + 160 + SrtpContext.MaxTagLength];
        var payload = new byte[160];
        Array.Fill(payload, (byte)0xFF);
        return buffer[..context.Protect(buffer, rtp.WriteAudio(buffer, payload, 160))];
    }
}

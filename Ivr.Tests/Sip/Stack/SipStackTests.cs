using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Stack;

/// <summary>The running stack on 127.0.0.1 driven by a raw UDP/TCP peer; timers on a FakeTimeProvider.</summary>
public sealed class SipStackTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SipStack _stack = null!;
    private TestCallHandler _handler = new(TestCallMode.Answer);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }

    private async Task<RawSipClient> StartAsync(TestCallMode mode, bool withHandler = true)
    {
        _handler = new TestCallHandler(mode);
        _stack = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance, _clock) { IncomingCallHandler = withHandler ? _handler : null };
        await _stack.StartAsync(CancellationToken.None);
        return RawSipClient.Udp(_stack.UdpEndPoint!.Value.EndPoint);
    }

    private void Advance(TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromMilliseconds(100)) _clock.Advance(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Invite_SentTwice_OneIncomingCallAndLastResponseRepeated()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        var invite = client.Invite("dup-1", "z9hG4bKdup1");
        client.Send(invite);
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);

        client.Send(invite);
        await client.ExpectResponseAsync(180);

        Assert.Equal(1, _handler.Calls);
        Assert.Equal(1, _stack.Counters.Retransmissions);
    }

    [Fact]
    public async Task Invite_Answered_AckCompletesAcceptAndByeRaisesRemoteHangup()
    {
        using var client = await StartAsync(TestCallMode.Answer);
        client.Send(client.Invite("ack-1", "z9hG4bKack1"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        var ok = await client.ExpectResponseAsync(200);
        Assert.Equal("application/sdp", ok.ContentType);
        Assert.Single(ok.Contact);
        var tag = ok.To!.Tag!;

        client.Send(client.Ack("ack-1", "z9hG4bKack1b", tag));
        Assert.True(await _handler.FirstAcceptResult.Task.WaitAsync(Bound));

        client.Send(client.InDialog("BYE", "ack-1", "z9hG4bKack1c", tag, 2));
        await client.ExpectResponseAsync(200);
        await _handler.FirstRemoteHangup.Task.WaitAsync(Bound);
        Assert.Equal(0, _stack.ActiveCalls);
    }

    [Fact]
    public async Task Invite_AckLost_2xxRetransmittedUntilTimerHThenBye()
    {
        using var client = await StartAsync(TestCallMode.Answer);
        client.Send(client.Invite("lost-1", "z9hG4bKlost1"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        await client.ExpectResponseAsync(200);

        Advance(TimeSpan.FromSeconds(31.9));
        // RFC 3261 §13.3.1.4: 0.5, 1.5, 3.5, 7.5 s, then every T2 up to 31.5 s — ten retransmissions.
        for (var i = 0; i < 10; i++) await client.ExpectResponseAsync(200);
        Assert.False(_handler.FirstAcceptResult.Task.IsCompleted);

        Advance(TimeSpan.FromSeconds(0.2));
        var bye = Assert.IsType<SipRequest>(await client.ReceiveAsync());
        Assert.Equal("BYE", bye.Method);
        Assert.False(await _handler.FirstAcceptResult.Task.WaitAsync(Bound));
        Assert.Equal(10, _stack.Counters.Retransmissions);
    }

    [Fact]
    public async Task Cancel_BeforeAnswer_200Then487AndCancelledEvent()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        client.Send(client.Invite("can-1", "z9hG4bKcan1"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);

        client.Send(client.Options("can-1", "z9hG4bKcan1").Replace("OPTIONS", "CANCEL").Replace("tag=o1", "tag=c1"));
        await client.ExpectResponseAsync(200);
        var terminated = await client.ExpectResponseAsync(487);
        Assert.Equal(new SipCSeq(1, "INVITE"), terminated.CSeq);
        await _handler.FirstCancelled.Task.WaitAsync(Bound);
        Assert.Equal(0, _stack.ActiveCalls);
    }

    [Fact]
    public async Task Cancel_UnknownTransaction_Gets481()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        client.Send(client.Options("nope", "z9hG4bKnope").Replace("OPTIONS", "CANCEL"));
        await client.ExpectResponseAsync(481);
    }

    [Fact]
    public async Task Bye_UnknownDialog_Gets481()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        client.Send(client.InDialog("BYE", "nope", "z9hG4bKnope2", "xyz", 2));
        await client.ExpectResponseAsync(481);
    }

    [Fact]
    public async Task Options_OverUdpAndTcp_Gets200WithAllow()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        client.Send(client.Options("opt-1", "z9hG4bKopt1"));
        var ok = await client.ExpectResponseAsync(200);
        Assert.Contains("INVITE", ok.Headers[SipHeaderNames.Allow]!, StringComparison.Ordinal);
        Assert.Equal("application/sdp", ok.Headers[SipHeaderNames.Accept]);

        using var tcp = await RawSipClient.TcpAsync(_stack.TcpEndPoint!.Value.EndPoint);
        tcp.Send(tcp.Options("opt-2", "z9hG4bKopt2"));
        await tcp.ExpectResponseAsync(200);
    }

    [Fact]
    public async Task Tcp_KeepAlivePing_GetsPong()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        using var tcp = await RawSipClient.TcpAsync(_stack.TcpEndPoint!.Value.EndPoint);
        tcp.Send("\r\n\r\n");
        tcp.Send(tcp.Options("ka-1", "z9hG4bKka1"));
        await tcp.ExpectResponseAsync(200);
    }

    [Fact]
    public async Task Invite_NoCallHandler_Gets503WithRetryAfter()
    {
        using var client = await StartAsync(TestCallMode.RingOnly, withHandler: false);
        client.Send(client.Invite("nohandler-1", "z9hG4bKnoh1"));
        await client.ExpectResponseAsync(100);
        var busy = await client.ExpectResponseAsync(503);

        Assert.Equal("30", busy.Headers[SipHeaderNames.RetryAfter]);
        Assert.Equal((0, 1L, 0), (_handler.Calls, _stack.Counters.Rejected503, _stack.ActiveCalls));
    }

    [Fact]
    public async Task UnknownMethod_Gets501AndKnownUnsupportedGets405()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        client.Send(client.Options("m-1", "z9hG4bKm1").Replace("OPTIONS", "FROBNICATE"));
        var r501 = await client.ExpectResponseAsync(501);
        Assert.NotNull(r501.Headers[SipHeaderNames.Allow]);
        client.Send(client.Options("m-2", "z9hG4bKm2").Replace("OPTIONS", "SUBSCRIBE"));
        await client.ExpectResponseAsync(405);
        client.Send(client.Options("m-3", "z9hG4bKm3").Replace("OPTIONS", "REGISTER"));
        await client.ExpectResponseAsync(501);
    }

    [Fact]
    public async Task Garbage_CountedAsParseErrorAndServerKeepsServing()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        client.Send("INVITE  sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKg\r\nCSeq: 1 INVITE\r\n\r\n");
        await client.ExpectResponseAsync(400);
        client.Send("\u0001\u0002 not sip at all");
        client.Send(client.Options("g-1", "z9hG4bKg1"));
        await client.ExpectResponseAsync(200);
        Assert.Equal(2, _stack.Counters.ParseErrors);
    }

    [Fact]
    public async Task Inv2543_NoMagicCookie_RetransmissionMatchedByRfc2543Rule()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        var invite = client.Invite("old-1", "oldbranch1");
        client.Send(invite);
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        client.Send(invite);
        await client.ExpectResponseAsync(180);
        Assert.Equal(1, _handler.Calls);
    }

    [Fact]
    public async Task InviteAsync_ToAnotherStack_AnsweredThenHangupReachesCallee()
    {
        using var client = await StartAsync(TestCallMode.Answer);
        var calleeHandler = _handler;
        await using var caller = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance);
        await caller.StartAsync(CancellationToken.None);

        var target = SipUri.Parse("sip:hotline@" + _stack.UdpEndPoint!.Value.EndPoint);
        var call = await caller.InviteAsync(target, "agent", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Answered, call.Status);
        Assert.Equal(TestCallHandler.Sdp, call.SdpAnswer);
        Assert.True(await calleeHandler.FirstAcceptResult.Task.WaitAsync(Bound));

        await call.HangupAsync(CancellationToken.None).WaitAsync(Bound);
        await calleeHandler.FirstRemoteHangup.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task InviteAsync_RingTimeout_CancelsAndEndsTimedOut()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        var calleeHandler = _handler;
        await using var caller = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance, _clock);
        await caller.StartAsync(CancellationToken.None);

        var target = SipUri.Parse("sip:hotline@" + _stack.UdpEndPoint!.Value.EndPoint);
        var pending = caller.InviteAsync(target, "agent", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(5), CancellationToken.None);
        await calleeHandler.FirstCall.Task.WaitAsync(Bound);
        Advance(TimeSpan.FromSeconds(5.1));

        var call = await pending.WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.TimedOut, call.Status);
        Assert.Equal(487, call.StatusCode);
        await calleeHandler.FirstCancelled.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task InviteAsync_Rejected_ReportsCode()
    {
        using var client = await StartAsync(TestCallMode.Reject);
        await using var caller = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance);
        await caller.StartAsync(CancellationToken.None);
        var target = SipUri.Parse("sip:hotline@" + _stack.UdpEndPoint!.Value.EndPoint);
        var call = await caller.InviteAsync(target, "agent", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Rejected, call.Status);
        Assert.Equal(486, call.StatusCode);
    }

    [Fact]
    public async Task InviteAsync_TokenCancelledWhileRinging_CancelsAndEndsCancelled()
    {
        using var client = await StartAsync(TestCallMode.RingOnly);
        var calleeHandler = _handler;
        await using var caller = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance);
        await caller.StartAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var target = SipUri.Parse("sip:hotline@" + _stack.UdpEndPoint!.Value.EndPoint);
        var pending = caller.InviteAsync(target, "agent", null, TestCallHandler.Sdp, TimeSpan.FromMinutes(5), cts.Token);
        await calleeHandler.FirstCall.Task.WaitAsync(Bound);
        await cts.CancelAsync();

        var call = await pending.WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Cancelled, call.Status);
        Assert.Equal(487, call.StatusCode);
        await calleeHandler.FirstCancelled.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Call_OverTcp_AnsweredOnTheConnectionAndOurByeComesBackOnIt()
    {
        using var udp = await StartAsync(TestCallMode.AnswerThenHangup);
        using var client = await RawSipClient.TcpAsync(_stack.TcpEndPoint!.Value.EndPoint);
        client.Send(client.Invite("tcp-1", "z9hG4bKtcp1"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        var ok = await client.ExpectResponseAsync(200);
        Assert.Contains("transport=tcp", ok.Headers[SipHeaderNames.Contact]!, StringComparison.Ordinal);

        client.Send(client.Ack("tcp-1", "z9hG4bKtcp1b", ok.To!.Tag!));
        var bye = Assert.IsType<SipRequest>(await client.ReceiveAsync());
        Assert.Equal("BYE", bye.Method);
        Assert.Equal("TCP", bye.TopVia!.Transport);
        var answer = SipResponse.CreateFor(bye, 200);
        client.Send(answer.ToBytes());
        foreach (var work in _handler.Work) await work.WaitAsync(Bound);
        Assert.Equal(0, _stack.ActiveCalls);
    }

    [Fact]
    public async Task Answered_ReInviteGetsSameAnswerAndReferAccepted()
    {
        using var client = await StartAsync(TestCallMode.Answer);
        client.Send(client.Invite("re-1", "z9hG4bKre1"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        var ok = await client.ExpectResponseAsync(200);
        var tag = ok.To!.Tag!;
        client.Send(client.Ack("re-1", "z9hG4bKre1b", tag));
        Assert.True(await _handler.FirstAcceptResult.Task.WaitAsync(Bound));

        client.Send(client.Invite("re-1", "z9hG4bKre2", cseq: 2).Replace("To: <sip:hotline@" + _stack.UdpEndPoint!.Value.EndPoint + ">", "To: <sip:hotline@" + _stack.UdpEndPoint!.Value.EndPoint + ">;tag=" + tag));
        var reOk = await client.ExpectResponseAsync(200);
        Assert.Equal(TestCallHandler.Sdp, System.Text.Encoding.UTF8.GetString(reOk.Body.Span));
        client.Send(client.Ack("re-1", "z9hG4bKre2b", tag, cseq: 2));

        Assert.True(_handler.Sessions.TryPeek(out var session));
        var refer = session.ReferAsync("sip:agent@127.0.0.1:5099", CancellationToken.None);
        var request = Assert.IsType<SipRequest>(await client.ReceiveAsync());
        Assert.Equal("REFER", request.Method);
        Assert.Equal("<sip:agent@127.0.0.1:5099>", request.Headers[SipHeaderNames.ReferTo]);
        Assert.Equal(tag, request.From!.Tag);
        Assert.Equal("c1", request.To!.Tag);
        client.Send(SipResponse.CreateFor(request, 202).ToBytes());
        Assert.True(await refer.WaitAsync(Bound));
    }

    [Fact]
    public async Task InviteAsync_OverTcp_AnsweredAndHungUp()
    {
        using var client = await StartAsync(TestCallMode.Answer);
        var calleeHandler = _handler;
        await using var caller = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance);
        await caller.StartAsync(CancellationToken.None);

        var target = SipUri.Parse("sip:hotline@" + _stack.TcpEndPoint!.Value.EndPoint + ";transport=tcp");
        var call = await caller.InviteAsync(target, "agent", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Answered, call.Status);
        Assert.True(await calleeHandler.FirstAcceptResult.Task.WaitAsync(Bound));
        Assert.True(calleeHandler.Sessions.TryPeek(out var session));
        Assert.Equal(Ivr.Engine.Sip.Transport.SipProtocol.Tcp, session.Remote.Protocol);

        await call.HangupAsync(CancellationToken.None).WaitAsync(Bound);
        await calleeHandler.FirstRemoteHangup.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Inv2543_AckForNon2xx_MatchedWithoutMagicCookieAndStopsTimerG()
    {
        using var client = await StartAsync(TestCallMode.Reject);
        client.Send(client.Invite("old-2", "oldbranch2"));
        await client.ExpectResponseAsync(100);
        var busy = await client.ExpectResponseAsync(486);
        client.Send(client.Ack("old-2", "oldbranch2", busy.To!.Tag!));
        client.Send(client.Options("old-probe", "z9hG4bKoldprobe"));
        await client.ExpectResponseAsync(200);

        Advance(TimeSpan.FromSeconds(10));
        client.Send(client.Options("old-probe2", "z9hG4bKoldprobe2"));
        await client.ExpectResponseAsync(200);
        Assert.Equal(0, _stack.Counters.Retransmissions);
    }

    [Fact]
    public async Task Answered_InfoDtmfRelayInDialog_Gets200()
    {
        using var client = await StartAsync(TestCallMode.Answer);
        client.Send(client.Invite("info-1", "z9hG4bKinfo1"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        var tag = (await client.ExpectResponseAsync(200)).To!.Tag!;
        client.Send(client.Ack("info-1", "z9hG4bKinfo1b", tag));
        Assert.True(await _handler.FirstAcceptResult.Task.WaitAsync(Bound));

        const string body = "Signal=5\r\nDuration=160\r\n";
        client.Send(client.InDialog("INFO", "info-1", "z9hG4bKinfo1c", tag, 2)
            .Replace("Content-Length: 0", "Content-Type: application/dtmf-relay\r\nContent-Length: " + body.Length) + body);
        await client.ExpectResponseAsync(200);
    }
}

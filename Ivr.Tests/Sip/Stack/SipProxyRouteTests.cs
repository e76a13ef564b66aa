using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Stack;

/// <summary>
/// The stack behind a record-routing proxy (Kamailio's dispatcher in docs/cluster.md), with raw UDP peers as the caller and
/// as the proxy's socket: Record-Route copied into 18x and 2xx, the engine's own in-dialog requests sent through the route
/// set (RFC 3261 §12.1.1, §12.1.2, §12.2.1.1), and OPTIONS answered 503 while the node takes no new calls.
/// </summary>
public sealed class SipProxyRouteTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private SipStack _stack = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }

    private async Task StartAsync(IIncomingCallHandler handler)
    {
        _stack = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance) { IncomingCallHandler = handler };
        await _stack.StartAsync(CancellationToken.None);
    }

    private IPEndPoint Server => _stack.UdpEndPoint!.Value.EndPoint;

    // Two proxies on the way, the nearer one (the caller's side) last: what a UAS sees (RFC 3261 §16.6 step 4).
    private static string WithRecordRoutes(string invite, int farProxyPort, int nearProxyPort) =>
        invite.Replace("Max-Forwards: 70\r\n", $"Max-Forwards: 70\r\nRecord-Route: <sip:127.0.0.1:{farProxyPort};lr;ftag=c1>\r\nRecord-Route: <sip:127.0.0.1:{nearProxyPort};lr>\r\n", StringComparison.Ordinal);

    [Fact]
    public async Task Options_NodeTakesNoNewCalls_Gets503WithRetryAfterAndInviteStillReachesHandler()
    {
        var handler = new DrainingHandler();
        await StartAsync(handler);
        using var client = RawSipClient.Udp(Server);

        client.Send(client.Options("opt-open", "z9hG4bKoptopen"));
        await client.ExpectResponseAsync(200);

        handler.Open = false;
        client.Send(client.Options("opt-drain", "z9hG4bKoptdrain"));
        var busy = await client.ExpectResponseAsync(503);
        Assert.Equal("30", busy.Headers[SipHeaderNames.RetryAfter]);
        Assert.NotNull(busy.To!.Tag);

        // The stack only reports; whether an INVITE is refused stays the handler's decision.
        client.Send(client.Invite("inv-drain", "z9hG4bKinvdrain"));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(503);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Invite_ThroughProxies_18xAnd200CarryTheRecordRoutesInOrder()
    {
        var handler = new TestCallHandler(TestCallMode.Answer);
        await StartAsync(handler);
        using var client = RawSipClient.Udp(Server);

        client.Send(WithRecordRoutes(client.Invite("rr-1", "z9hG4bKrr1"), 41001, 41002));
        await client.ExpectResponseAsync(100);
        var ringing = await client.ExpectResponseAsync(180);
        var ok = await client.ExpectResponseAsync(200);

        string[] expected = ["<sip:127.0.0.1:41001;lr;ftag=c1>", "<sip:127.0.0.1:41002;lr>"];
        Assert.Equal(expected, ringing.Headers.GetValues(SipHeaderNames.RecordRoute).ToArray());
        Assert.Equal(expected, ok.Headers.GetValues(SipHeaderNames.RecordRoute).ToArray());
        Assert.Equal(ringing.To!.Tag, ok.To!.Tag);
    }

    [Fact]
    public async Task Hangup_ThroughProxy_ByeGoesToTheFirstRouteWithTheRouteSetAndCallerContactAsRequestUri()
    {
        var handler = new TestCallHandler(TestCallMode.AnswerThenHangup);
        await StartAsync(handler);
        using var client = RawSipClient.Udp(Server);
        using var proxy = RawSipClient.Udp(Server);
        using var farProxy = RawSipClient.Udp(Server);

        client.Send(WithRecordRoutes(client.Invite("rr-bye", "z9hG4bKrrbye"), proxy.Port, farProxy.Port));
        await client.ExpectResponseAsync(100);
        await client.ExpectResponseAsync(180);
        var ok = await client.ExpectResponseAsync(200);
        client.Send(client.Ack("rr-bye", "z9hG4bKrrbyeack", ok.To!.Tag!));

        // RFC 3261 §12.2.1.1: loose routing keeps the remote target (the caller's Contact) as Request-URI, the route set
        // as Route headers in order, and the request goes to the first route: the proxy's socket, not the caller's.
        var bye = Assert.IsType<SipRequest>(await proxy.ReceiveAsync(Bound));
        Assert.Equal("BYE", bye.Method);
        Assert.Equal($"sip:caller@127.0.0.1:{client.Port}", bye.RequestUri.ToString());
        Assert.Equal([$"<sip:127.0.0.1:{proxy.Port};lr;ftag=c1>", $"<sip:127.0.0.1:{farProxy.Port};lr>"], bye.Headers.GetValues(SipHeaderNames.Route).ToArray());
        Assert.Null(await client.ReceiveAsync(TimeSpan.FromMilliseconds(300)));

        proxy.Send(SipResponse.CreateFor(bye, 200).ToBytes());
        await Task.WhenAll(handler.Work).WaitAsync(Bound);
        Assert.Equal(0, _stack.ActiveCalls);
    }

    [Fact]
    public async Task InviteAsync_CalleeBehindProxy_AckAndByeFollowTheReversedRecordRoute()
    {
        await StartAsync(new TestCallHandler(TestCallMode.Answer));
        using var callee = RawSipClient.Udp(Server);
        using var proxy = RawSipClient.Udp(Server);
        using var farProxy = RawSipClient.Udp(Server);

        var target = new SipUri("sip", "agent", "127.0.0.1", callee.Port);
        var placing = _stack.InviteAsync(target, "ivr", null, TestCallHandler.Sdp, Bound, CancellationToken.None);
        var invite = Assert.IsType<SipRequest>(await callee.ReceiveAsync(Bound));
        var ok = SipResponse.CreateFor(invite, 200, null, "callee1");
        // As the UAC sees them: the proxy nearest the callee first; the UAC's route set is the reverse (§12.1.2).
        ok.Headers.Add(SipHeaderNames.RecordRoute, $"<sip:127.0.0.1:{farProxy.Port};lr>");
        ok.Headers.Add(SipHeaderNames.RecordRoute, $"<sip:127.0.0.1:{proxy.Port};lr>");
        ok.Headers.Add(SipHeaderNames.Contact, $"<sip:agent@127.0.0.1:{callee.Port}>");
        ok.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        ok.Body = System.Text.Encoding.UTF8.GetBytes(TestCallHandler.Sdp);
        callee.Send(ok.ToBytes());
        var call = await placing.WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Answered, call.Status);

        string[] routes = [$"<sip:127.0.0.1:{proxy.Port};lr>", $"<sip:127.0.0.1:{farProxy.Port};lr>"];
        var ack = Assert.IsType<SipRequest>(await proxy.ReceiveAsync(Bound));
        Assert.Equal("ACK", ack.Method);
        Assert.Equal($"sip:agent@127.0.0.1:{callee.Port}", ack.RequestUri.ToString());
        Assert.Equal(routes, ack.Headers.GetValues(SipHeaderNames.Route).ToArray());

        var hangup = call.HangupAsync(CancellationToken.None);
        var bye = Assert.IsType<SipRequest>(await proxy.ReceiveAsync(Bound));
        Assert.Equal("BYE", bye.Method);
        Assert.Equal(routes, bye.Headers.GetValues(SipHeaderNames.Route).ToArray());
        proxy.Send(SipResponse.CreateFor(bye, 200).ToBytes());
        await hangup.WaitAsync(Bound);
    }

    /// <summary>A handler whose node drains: it reports whether it takes new calls and refuses INVITEs once closed.</summary>
    private sealed class DrainingHandler : IIncomingCallHandler
    {
        private int _calls;

        public volatile bool Open = true;

        public int Calls => Volatile.Read(ref _calls);

        public bool TakesNewCalls => Open;

        public void OnIncomingCall(IInviteSession session)
        {
            Interlocked.Increment(ref _calls);
            session.Reject(503, [new SipHeader(SipHeaderNames.RetryAfter, "30")]);
        }
    }
}

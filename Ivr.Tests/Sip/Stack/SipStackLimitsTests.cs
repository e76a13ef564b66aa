using System.Diagnostics;
using Ivr.Engine.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Stack;

/// <summary>
/// The per-source limits inside the stack, over real UDP on loopback (127.0.0.1 taken out of the trusted ranges) with a
/// fake clock, so buckets refill only when the test says: what is counted, what is not, and what a banned source gets.
/// </summary>
public sealed class SipStackLimitsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero));
    private readonly TestCallHandler _handler = new(TestCallMode.Answer);
    private SipStack? _stack;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }

    private async Task<RawSipClient> StartAsync(SipBannedAction banned = SipBannedAction.Drop)
    {
        var limits = new SipSourceLimits
        {
            Trusted = AddressRanges.None,
            Invite = new SipRate(1, 2),
            Options = new SipRate(1, 2),
            Other = new SipRate(1, 3),
            Banned = banned,
        };
        _stack = new SipStack(new SipStackSettings { Port = 0, EnableTcp = false, SourceLimits = limits }, NullLoggerFactory.Instance, _clock) { IncomingCallHandler = _handler };
        await _stack.StartAsync(CancellationToken.None);
        return RawSipClient.Udp(_stack.UdpEndPoint!.Value.EndPoint);
    }

    /// <summary>A trunk's call: ACK, forty INFOs, a re-INVITE, retransmissions and the BYE, far over every bucket, none counted.</summary>
    [Fact]
    public async Task InDialogRequestsAndRetransmissions_AreNeverCounted()
    {
        using var trunk = await StartAsync();
        var invite = trunk.Invite("dlg-1", "z9hG4bKdlg1");
        trunk.Send(invite);
        await trunk.ExpectResponseAsync(100);
        await trunk.ExpectResponseAsync(180);
        var tag = (await trunk.ExpectResponseAsync(200)).To!.Tag!;
        for (var i = 0; i < 5; i++) trunk.Send(invite); // retransmissions of the INVITE: absorbed, not counted
        trunk.Send(trunk.Ack("dlg-1", "z9hG4bKdlg1a", tag));
        Assert.True(await _handler.FirstAcceptResult.Task.WaitAsync(Bound));

        var cseq = 2;
        for (var i = 0; i < 40; i++)
        {
            trunk.Send(trunk.InDialog("INFO", "dlg-1", $"z9hG4bKinfo{i}", tag, cseq++));
            await ExpectFinalAsync(trunk, 200);
        }
        var reInvite = trunk.Invite("dlg-1", "z9hG4bKre1", cseq: cseq++).Replace("To: <sip:hotline@" + trunk.Server + ">", "To: <sip:hotline@" + trunk.Server + ">;tag=" + tag, StringComparison.Ordinal);
        trunk.Send(reInvite);
        var reOk = await ExpectFinalAsync(trunk, 200);
        trunk.Send(trunk.Ack("dlg-1", "z9hG4bKre1a", tag, cseq: (int)reOk.CSeq!.Value.Number));
        trunk.Send(trunk.InDialog("BYE", "dlg-1", "z9hG4bKbye", tag, cseq));
        await ExpectFinalAsync(trunk, 200);

        Assert.Empty(_stack!.Sources.Bans());
        Assert.Equal(0, _stack.Counters.SourceBans);
        Assert.Equal(0, _stack.Counters.SourceDropped);
        Assert.Equal(40, _stack.Counters.RequestsReceived("INFO"));
    }

    /// <summary>OPTIONS over the burst: the source is banned, its packets are dropped before parsing, others are still served.</summary>
    [Fact]
    public async Task OverTheBurst_TheSourceIsBanned_AndDroppedBeforeParsing()
    {
        using var scanner = await StartAsync();
        for (var i = 0; i < 10; i++) scanner.Send(scanner.Options($"opt-{i}", $"z9hG4bKopt{i}"));

        await WaitUntilAsync(() => _stack!.Counters.SourceDropped == 8);
        Assert.Equal(200, (await scanner.ExpectResponseAsync(200)).StatusCode);
        Assert.Equal(200, (await scanner.ExpectResponseAsync(200)).StatusCode);
        Assert.Null(await scanner.ReceiveAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(3, _stack!.Counters.RequestsReceived("OPTIONS")); // the 3rd was parsed (it emptied the bucket); the rest never were
        var ban = Assert.Single(_stack.Sources.Bans());
        Assert.Equal("127.0.0.1", ban.Source);
        Assert.Equal("OPTIONS over 1/s (burst 2)", ban.Reason);
        Assert.Equal(1, _stack.Counters.SourceBans);

        // Sixty seconds later the ban is over and the bucket full again.
        _clock.Advance(TimeSpan.FromSeconds(60));
        scanner.Send(scanner.Options("opt-after", "z9hG4bKoptafter"));
        await scanner.ExpectResponseAsync(200);
    }

    /// <summary>With <c>Banned=503</c>, a banned source's requests get 503 with the ban's remaining seconds in Retry-After.</summary>
    [Fact]
    public async Task Refuse_BannedSourceGets503WithRetryAfter()
    {
        using var scanner = await StartAsync(SipBannedAction.Refuse);
        for (var i = 0; i < 3; i++) scanner.Send(scanner.Options($"r-{i}", $"z9hG4bKr{i}"));
        await scanner.ExpectResponseAsync(200);
        await scanner.ExpectResponseAsync(200);
        await WaitUntilAsync(() => _stack!.Counters.SourceBans == 1);

        _clock.Advance(TimeSpan.FromSeconds(15));
        scanner.Send(scanner.Invite("r-call", "z9hG4bKrcall"));
        var busy = await scanner.ExpectResponseAsync(503);
        Assert.Equal("45", busy.Headers[SipHeaderNames.RetryAfter]);
        Assert.Equal(0, _handler.Calls);
        Assert.Equal(1, _stack!.Counters.SourceRefused);
    }

    /// <summary>Garbage counts as "other" traffic: a source sending unparseable datagrams is banned like any flooder.</summary>
    [Fact]
    public async Task Garbage_CountsAsOther_AndGetsTheSourceBanned()
    {
        using var fuzzer = await StartAsync();
        for (var i = 0; i < 20; i++) fuzzer.Send("INVITE nonsense\r\n\r\n");

        await WaitUntilAsync(() => _stack!.Counters.SourceDropped == 17);
        Assert.Equal("other requests over 1/s (burst 3)", Assert.Single(_stack!.Sources.Bans()).Reason);
        Assert.Equal(3, _stack.Counters.ParseErrors);
    }

    // The final response to the last request, skipping 100 Trying.
    private static async Task<SipResponse> ExpectFinalAsync(RawSipClient client, int status)
    {
        while (true)
        {
            var response = Assert.IsType<SipResponse>(await client.ReceiveAsync(Bound));
            if (response.StatusCode == 100) continue;
            Assert.Equal(status, response.StatusCode);
            return response;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition() && watch.Elapsed < Bound) await poll.WaitForNextTickAsync();
        Assert.True(condition(), "condition not met within " + Bound);
    }
}

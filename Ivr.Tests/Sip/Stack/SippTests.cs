using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Stack;

/// <summary>The stack against a real SIP peer nobody here wrote: sipp 3.6.1 on 127.0.0.1.</summary>
public class SippTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static async Task<SipStack> StartStackAsync(TestCallHandler handler, bool tcp = false)
    {
        var stack = new SipStack(new SipStackSettings { Port = 0, EnableTcp = tcp }, NullLoggerFactory.Instance) { IncomingCallHandler = handler };
        await stack.StartAsync(CancellationToken.None);
        return stack;
    }

    private static string Target(SipStack stack) => "127.0.0.1:" + stack.UdpEndPoint!.Value.EndPoint.Port;

    [Fact]
    public async Task SippUac_PlacesCalls_AllSucceed()
    {
        var handler = new TestCallHandler(TestCallMode.Answer);
        await using var stack = await StartStackAsync(handler);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Target(stack), "-sn", "uac", "-s", "hotline", "-m", "10", "-r", "10");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        Assert.Equal(10, handler.Calls);
        Assert.Equal(10, handler.RemoteHangups);
        Assert.Equal(0, stack.ActiveCalls);
    }

    [Fact]
    public async Task SippUacOverTcp_PlacesCalls_AllSucceed()
    {
        var handler = new TestCallHandler(TestCallMode.Answer);
        await using var stack = await StartStackAsync(handler, tcp: true);
        var target = "127.0.0.1:" + stack.TcpEndPoint!.Value.EndPoint.Port;
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), target, "-sn", "uac", "-t", "t1", "-s", "hotline", "-m", "5", "-r", "5");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        Assert.Equal(5, handler.Calls);
        Assert.Equal(0, stack.ActiveCalls);
    }

    [Fact]
    public async Task SippUac_200CallsAt50PerSecond_NoneFails()
    {
        var handler = new TestCallHandler(TestCallMode.Answer);
        await using var stack = await StartStackAsync(handler);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Target(stack), "-sn", "uac", "-s", "hotline", "-m", "200", "-r", "50");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        Assert.Equal(200, handler.Calls);
        Assert.Equal(0, stack.ActiveCalls);
    }

    [Fact]
    public async Task SippUacWaitingForBye_WeHangUpAfterAck_SippExitsZero()
    {
        var handler = new TestCallHandler(TestCallMode.AnswerThenHangup);
        await using var stack = await StartStackAsync(handler);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Target(stack), "-sf", SippProcess.Scenario("uac_wait_bye.xml"), "-s", "hotline", "-m", "3", "-r", "5");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        Assert.Equal(3, handler.Acked);
        foreach (var work in handler.Work) await work.WaitAsync(Bound);
        Assert.Equal(0, stack.ActiveCalls);
    }

    [Fact]
    public async Task SippLosesAcks_2xxRetransmittedUntilAckAndEveryCallEnds()
    {
        var handler = new TestCallHandler(TestCallMode.AnswerThenHangup);
        await using var stack = await StartStackAsync(handler);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Target(stack), "-sf", SippProcess.Scenario("uac_lost_ack.xml"), "-s", "hotline", "-m", "10", "-r", "10");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        foreach (var work in handler.Work) await work.WaitAsync(Bound);
        Assert.Equal(10, handler.Acked + handler.NoAck);
        Assert.Equal(0, stack.ActiveCalls);
    }

    [Fact]
    public async Task SippCancelBeforeAnswer_Gets200And487()
    {
        var handler = new TestCallHandler(TestCallMode.RingOnly);
        await using var stack = await StartStackAsync(handler);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Target(stack), "-sf", SippProcess.Scenario("cancel.xml"), "-s", "hotline", "-m", "1");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        await handler.FirstCancelled.Task.WaitAsync(Bound);
        Assert.Equal(1, handler.CancelledCount);
        Assert.Equal(1, stack.Counters.ResponsesSent(487));
        Assert.Equal(0, stack.ActiveCalls);
    }

    [Fact]
    public async Task SippOptions_Gets200()
    {
        await using var stack = await StartStackAsync(new TestCallHandler(TestCallMode.Reject));
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Target(stack), "-sf", SippProcess.Scenario("options.xml"), "-s", "hotline", "-m", "1");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, sipp.Output);
        // One OPTIONS transaction: on a loaded machine sipp may retransmit it (T1 = 500 ms) before our 200 arrives; each
        // copy is received, absorbed by the transaction and counted as a retransmission.
        Assert.Equal(1, stack.Counters.RequestsReceived("OPTIONS") - stack.Counters.Retransmissions);
    }

    [Fact]
    public async Task InviteAsync_AgainstSippUas_AnsweredThenHangupEndsSipp()
    {
        await using var stack = await StartStackAsync(new TestCallHandler(TestCallMode.Reject));
        var port = SippProcess.FreeUdpPort();
        using var sipp = SippProcess.Start(port, "-sn", "uas", "-m", "1");

        var call = await stack.InviteAsync(SipUri.Parse($"sip:service@127.0.0.1:{port}"), "ivr", "Ivr", TestCallHandler.Sdp, TimeSpan.FromSeconds(20), CancellationToken.None)
            .WaitAsync(Bound);
        Assert.True(call.Status == OutboundCallStatus.Answered, $"{call.Status} {call.StatusCode}\n{sipp.Output}");
        Assert.Equal(200, call.StatusCode);
        Assert.NotNull(call.SdpAnswer);
        await call.HangupAsync(CancellationToken.None).WaitAsync(Bound);

        var exit = await sipp.WaitAsync(Bound);
        Assert.True(exit == 0, sipp.Output);
    }
}

using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Tests.Sip.Stack;

public class ClientTransactionTests
{
    [Fact]
    public void InviteClient_NoResponse_TimerARetransmitsDoublingThenTimerBTimesOut()
    {
        var host = new FakeTransactionHost();
        var tx = new InviteClientTransaction(FakeTransactionHost.Request("INVITE"), FakeTransactionHost.UdpPeer, host);
        var timedOut = false;
        tx.TimedOut += () => timedOut = true;
        tx.Start();
        host.Advance(TimeSpan.FromSeconds(31.9));

        // RFC 3261 §17.1.1.2: A at T1, doubling without cap: 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s.
        var times = host.Sent.Where(s => s.Retransmission).Select(s => s.At.TotalSeconds).ToArray();
        Assert.Equal([0.5, 1.5, 3.5, 7.5, 15.5, 31.5], times);
        Assert.False(timedOut);
        host.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(timedOut);
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteClient_Provisional_StopsTimerAAndTimerB()
    {
        var host = new FakeTransactionHost();
        var invite = FakeTransactionHost.Request("INVITE");
        var tx = new InviteClientTransaction(invite, FakeTransactionHost.UdpPeer, host);
        var timedOut = false;
        tx.TimedOut += () => timedOut = true;
        tx.Start();
        tx.OnResponse(SipResponse.CreateFor(invite, 180, null, "r1"));
        host.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(0, host.Retransmissions);
        Assert.False(timedOut);
        Assert.Equal(SipTransactionState.Proceeding, tx.State);
    }

    [Fact]
    public void InviteClient_Non2xx_SendsAckWithSameBranchAndResendsItForRetransmissions()
    {
        var host = new FakeTransactionHost();
        var invite = FakeTransactionHost.Request("INVITE");
        var tx = new InviteClientTransaction(invite, FakeTransactionHost.UdpPeer, host);
        var delivered = new List<int>();
        tx.ResponseReceived += r => delivered.Add(r.StatusCode);
        tx.Start();
        var busy = SipResponse.CreateFor(invite, 486, null, "r1");
        tx.OnResponse(busy);
        tx.OnResponse(busy);

        var acks = host.Sent.Where(s => s.Message is SipRequest { Method: "ACK" }).Select(s => (SipRequest)s.Message).ToList();
        Assert.Equal(2, acks.Count);
        Assert.Equal("z9hG4bKtest1", acks[0].TopVia!.Branch);
        Assert.Equal("r1", acks[0].To!.Tag);
        Assert.Equal(new SipCSeq(1, "ACK"), acks[0].CSeq);
        Assert.Equal([486], delivered);
        Assert.Equal(SipTransactionState.Completed, tx.State);
        host.Advance(TimeSpan.FromSeconds(32.1));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteClient_2xx_TerminatesAndLeavesAckToTheDialog()
    {
        var host = new FakeTransactionHost();
        var invite = FakeTransactionHost.Request("INVITE");
        var tx = new InviteClientTransaction(invite, FakeTransactionHost.UdpPeer, host);
        SipResponse? got = null;
        tx.ResponseReceived += r => got = r;
        tx.Start();
        tx.OnResponse(SipResponse.CreateFor(invite, 200, null, "r1"));
        Assert.Equal(200, got!.StatusCode);
        Assert.Equal(SipTransactionState.Terminated, tx.State);
        Assert.DoesNotContain(host.Sent, s => s.Message is SipRequest { Method: "ACK" });
    }

    [Fact]
    public void InviteClient_OverTcp_NoRetransmissions()
    {
        var host = new FakeTransactionHost();
        var tx = new InviteClientTransaction(FakeTransactionHost.Request("INVITE"), FakeTransactionHost.TcpPeer, host);
        tx.Start();
        host.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, host.Retransmissions);
    }

    [Fact]
    public async Task NonInviteClient_NoResponse_TimerERetransmitsToT2ThenTimerFGives408()
    {
        var host = new FakeTransactionHost();
        var tx = new NonInviteClientTransaction(FakeTransactionHost.Request("BYE", toTag: "r1"), FakeTransactionHost.UdpPeer, host);
        tx.Start();
        host.Advance(TimeSpan.FromSeconds(31.9));
        var times = host.Sent.Where(s => s.Retransmission).Select(s => s.At.TotalSeconds).ToArray();
        Assert.Equal([0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], times);
        Assert.False(tx.Completion.IsCompleted);
        host.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(408, (await tx.Completion).StatusCode);
    }

    [Fact]
    public void NonInviteClient_Provisional_RetransmitsEveryT2()
    {
        var host = new FakeTransactionHost();
        var bye = FakeTransactionHost.Request("BYE", toTag: "r1");
        var tx = new NonInviteClientTransaction(bye, FakeTransactionHost.UdpPeer, host);
        tx.Start();
        tx.OnResponse(SipResponse.CreateFor(bye, 100));
        host.Advance(TimeSpan.FromSeconds(9));
        var times = host.Sent.Where(s => s.Retransmission).Select(s => s.At.TotalSeconds).ToArray();
        Assert.Equal([0.5, 4.5, 8.5], times);
    }

    [Fact]
    public async Task NonInviteClient_FinalResponse_CompletesAndTerminatesAfterTimerK()
    {
        var host = new FakeTransactionHost();
        var bye = FakeTransactionHost.Request("BYE", toTag: "r1");
        var tx = new NonInviteClientTransaction(bye, FakeTransactionHost.UdpPeer, host);
        tx.Start();
        tx.OnResponse(SipResponse.CreateFor(bye, 200));
        Assert.Equal(200, (await tx.Completion).StatusCode);
        host.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, host.Retransmissions);
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }
}

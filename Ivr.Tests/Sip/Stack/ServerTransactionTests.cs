using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Tests.Sip.Stack;

public class ServerTransactionTests
{
    private static InviteServerTransaction NewIst(FakeTransactionHost host, bool tcp = false)
    {
        var invite = FakeTransactionHost.Request("INVITE");
        return new InviteServerTransaction(invite, tcp ? FakeTransactionHost.TcpPeer : FakeTransactionHost.UdpPeer, "k", host);
    }

    [Fact]
    public void InviteServer_Non2xxWithoutAck_TimerGRetransmitsDoublingToT2ThenTimerHGivesUp()
    {
        var host = new FakeTransactionHost();
        var tx = NewIst(host);
        var ackTimedOut = false;
        var terminated = false;
        tx.AckTimedOut += () => ackTimedOut = true;
        tx.Terminated += _ => terminated = true;

        tx.Respond(SipResponse.CreateFor(tx.Request!, 486, null, "t1"));
        host.Advance(TimeSpan.FromSeconds(31.9));

        // RFC 3261 §17.2.1: G at 0.5, 1.5, 3.5, 7.5 s then every T2 (4 s): 11.5 … 31.5 — ten retransmissions before H.
        var times = host.Sent.Where(s => s.Retransmission).Select(s => s.At.TotalSeconds).ToArray();
        Assert.Equal([0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], times);
        Assert.False(ackTimedOut);

        host.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(ackTimedOut);
        Assert.True(terminated);
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteServer_AckAfterNon2xx_StopsTimerGAndTerminatesAfterTimerI()
    {
        var host = new FakeTransactionHost();
        var tx = NewIst(host);
        tx.Respond(SipResponse.CreateFor(tx.Request!, 486, null, "t1"));
        host.Advance(TimeSpan.FromSeconds(1));

        Assert.True(tx.OnAck());
        Assert.Equal(SipTransactionState.Confirmed, tx.State);
        var sent = host.Sent.Count;
        host.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(sent, host.Sent.Count);
        Assert.Equal(SipTransactionState.Confirmed, tx.State);
        host.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteServer_OverTcp_NoTimerGAndAckTerminatesAtOnce()
    {
        var host = new FakeTransactionHost();
        var tx = NewIst(host, tcp: true);
        tx.Respond(SipResponse.CreateFor(tx.Request!, 603, null, "t1"));
        host.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, host.Retransmissions);
        Assert.True(tx.OnAck());
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteServer_RetransmittedInvite_ResendsLastResponse()
    {
        var host = new FakeTransactionHost();
        var tx = NewIst(host);
        tx.Respond(SipResponse.CreateFor(tx.Request!, 100));
        tx.Respond(SipResponse.CreateFor(tx.Request!, 180, null, "t1"));
        tx.OnRetransmission();

        var last = Assert.IsType<SipResponse>(host.Sent[^1].Message);
        Assert.True(host.Sent[^1].Retransmission);
        Assert.Equal(180, last.StatusCode);
    }

    [Fact]
    public void InviteServer_RetransmittedInviteAfter2xx_IsAbsorbed()
    {
        var host = new FakeTransactionHost();
        var tx = NewIst(host);
        tx.Respond(SipResponse.CreateFor(tx.Request!, 100));
        tx.Respond(SipResponse.CreateFor(tx.Request!, 200, null, "t1"));
        var sent = host.Sent.Count;

        // RFC 6026 §7.1: in Accepted the transaction neither passes the INVITE up nor resends the 2xx itself.
        tx.OnRetransmission();
        tx.OnRetransmission();

        Assert.Equal(sent, host.Sent.Count);
        Assert.Equal(0, host.Retransmissions);
    }

    [Fact]
    public void InviteServer_2xx_EntersAcceptedAndTerminatesAfterTimerL()
    {
        var host = new FakeTransactionHost();
        var tx = NewIst(host);
        tx.Respond(SipResponse.CreateFor(tx.Request!, 200, null, "t1"));
        Assert.Equal(SipTransactionState.Accepted, tx.State);
        Assert.False(tx.OnAck());
        // Only the response bytes linger for Timer L: the parsed INVITE is let go with the 2xx.
        Assert.Null(tx.Request);
        Assert.False(tx.Respond(SipResponse.CreateFor(FakeTransactionHost.Request("INVITE"), 486, null, "t1")));
        host.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(SipTransactionState.Accepted, tx.State);
        Assert.Equal(0, host.Retransmissions);
        host.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void NonInviteServer_FinalResponse_AbsorbsRetransmissionsUntilTimerJ()
    {
        var host = new FakeTransactionHost();
        var bye = FakeTransactionHost.Request("BYE", toTag: "t1");
        var tx = new NonInviteServerTransaction(bye, FakeTransactionHost.UdpPeer, "k", host);
        tx.OnRetransmission();
        Assert.Empty(host.Sent);

        tx.Respond(SipResponse.CreateFor(bye, 200));
        tx.OnRetransmission();
        Assert.Equal(2, host.Sent.Count);
        Assert.True(host.Sent[1].Retransmission);

        host.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(SipTransactionState.Completed, tx.State);
        host.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public void NonInviteServer_OverTcp_TerminatesWithFinalResponse()
    {
        var host = new FakeTransactionHost();
        var options = FakeTransactionHost.Request("OPTIONS");
        var tx = new NonInviteServerTransaction(options, FakeTransactionHost.TcpPeer, "k", host);
        tx.Respond(SipResponse.CreateFor(options, 200));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }
}

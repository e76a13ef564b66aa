using System.Net;
using System.Text;
using Ivr.Engine.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Stack;

/// <summary>
/// Phones behind NAT advertise a private Contact; the stack sends their in-dialog requests where their packets come from.
/// The "private" range here is 127.0.0.2/32 (configured as <see cref="SipStackSettings.NatNetworks"/>), so even a stack
/// that got it wrong would only send to loopback, never onto a real network.
/// </summary>
public sealed class SipNatTests
{
    private const string PrivateHost = "127.0.0.2";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly NatNetworks Behind = NatNetworks.Parse(PrivateHost + "/32");

    /// <summary>A caller behind NAT: our BYE goes to the address its INVITE came from, not to its private Contact.</summary>
    [Fact]
    public async Task IncomingCall_FromBehindNat_OurByeGoesWhereTheInviteCameFrom()
    {
        var (stack, phone, handler) = await AnsweredCallFromBehindNatAsync(Behind, "nat-1");
        await using (stack)
        using (phone)
        {
            var bye = Assert.IsType<SipRequest>(await phone.ReceiveAsync(Bound));
            Assert.Equal("BYE", bye.Method);
            Assert.Equal($"sip:caller@{PrivateHost}:5999", bye.RequestUri.ToString()); // the Request-URI is still its Contact (§12.2.1.1)
            phone.Send(SipResponse.CreateFor(bye, 200).ToBytes());
            foreach (var work in handler.Work) await work.WaitAsync(Bound);
            Assert.Equal(0, stack.ActiveCalls);
        }
    }

    /// <summary>The same caller, NAT handling off: the BYE goes to the Contact (what RFC 3261 alone says), not back to it.</summary>
    [Fact]
    public async Task IncomingCall_NatHandlingOff_OurByeGoesToTheContact()
    {
        var (stack, phone, _) = await AnsweredCallFromBehindNatAsync(NatNetworks.None, "nat-2");
        await using (stack)
        using (phone)
        {
            Assert.Null(await phone.ReceiveAsync(TimeSpan.FromSeconds(1)));
        }
    }

    // A stack that hangs up as soon as the call is answered, and a phone that called it with a private Contact and ACKed.
    private static async Task<(SipStack Stack, RawSipClient Phone, TestCallHandler Handler)> AnsweredCallFromBehindNatAsync(NatNetworks networks, string callId)
    {
        var handler = new TestCallHandler(TestCallMode.AnswerThenHangup);
        var stack = new SipStack(new SipStackSettings { Port = 0, EnableTcp = false, NatNetworks = networks }, NullLoggerFactory.Instance) { IncomingCallHandler = handler };
        await stack.StartAsync(CancellationToken.None);
        var phone = RawSipClient.Udp(stack.UdpEndPoint!.Value.EndPoint);
        var branch = "z9hG4bK" + callId;
        phone.Send(phone.Invite(callId, branch).Replace($"Contact: <sip:caller@127.0.0.1:{phone.Port}>", $"Contact: <sip:caller@{PrivateHost}:5999>", StringComparison.Ordinal));
        await phone.ExpectResponseAsync(100);
        await phone.ExpectResponseAsync(180);
        var ok = await phone.ExpectResponseAsync(200);
        phone.Send(phone.Ack(callId, branch + "b", ok.To!.Tag!));
        return (stack, phone, handler);
    }

    /// <summary>
    /// Calling a registered phone behind NAT: the INVITE goes to the flow it registered from with its Contact as the
    /// Request-URI; its 2xx names a private Contact again, and our ACK and BYE still go to that flow.
    /// </summary>
    [Fact]
    public async Task OutboundCall_ToAFlow_InviteAckAndByeGoThere_WithTheContactAsRequestUri()
    {
        await using var stack = new SipStack(new SipStackSettings { Port = 0, EnableTcp = false, NatNetworks = Behind }, NullLoggerFactory.Instance);
        await stack.StartAsync(CancellationToken.None);
        using var phone = RawSipClient.Udp(stack.UdpEndPoint!.Value.EndPoint);

        await CallOverTheFlowAsync(stack, phone, new SipEndPoint(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, phone.Port)), $"sip:agent@{PrivateHost}:5999");
    }

    /// <summary>
    /// A phone registered over TCP (here: it opened the connection and sent OPTIONS, as its REGISTER would) is called over
    /// that connection — it does not listen for incoming TCP, and behind a NAT it could not — and so are the ACK and BYE.
    /// </summary>
    [Fact]
    public async Task OutboundCall_ToATcpFlow_GoesOverTheConnectionThePhoneOpened()
    {
        await using var stack = new SipStack(new SipStackSettings { Port = 0, EnableUdp = false, NatNetworks = Behind }, NullLoggerFactory.Instance);
        await stack.StartAsync(CancellationToken.None);
        using var phone = await RawSipClient.TcpAsync(stack.TcpEndPoint!.Value.EndPoint);
        phone.Send(phone.Options("tcp-flow-1", "z9hG4bKtcpflow1"));
        await phone.ExpectResponseAsync(200);

        await CallOverTheFlowAsync(stack, phone, new SipEndPoint(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, phone.Port)), $"sip:agent@{PrivateHost}:5999;transport=tcp");
    }

    // The engine calls contact at flow; the phone answers naming its private contact again; ACK and BYE must reach it.
    private static async Task CallOverTheFlowAsync(SipStack stack, RawSipClient phone, SipEndPoint flow, string contactUri)
    {
        var contact = SipUri.Parse(contactUri);
        var dialling = stack.InviteAsync(contact, "ivr", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(20), CancellationToken.None, flow);
        var invite = Assert.IsType<SipRequest>(await phone.ReceiveAsync(Bound));
        Assert.Equal("INVITE", invite.Method);
        Assert.Equal(contact.ToString(), invite.RequestUri.ToString());
        var ok = SipResponse.CreateFor(invite, 200, null, "ph1");
        ok.Headers.Add(SipHeaderNames.Contact, $"<{contactUri}>");
        ok.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        ok.Body = Encoding.UTF8.GetBytes(TestCallHandler.Sdp);
        phone.Send(ok.ToBytes());

        var call = await dialling.WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Answered, call.Status);
        var ack = Assert.IsType<SipRequest>(await phone.ReceiveAsync(Bound));
        Assert.Equal("ACK", ack.Method);

        var hangup = call.HangupAsync(CancellationToken.None);
        var bye = Assert.IsType<SipRequest>(await phone.ReceiveAsync(Bound));
        Assert.Equal("BYE", bye.Method);
        Assert.Equal(contact.ToString(), bye.RequestUri.ToString());
        phone.Send(SipResponse.CreateFor(bye, 200).ToBytes());
        await hangup.WaitAsync(Bound);
    }
}

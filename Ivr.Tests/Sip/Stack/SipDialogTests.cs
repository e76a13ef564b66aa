using System.Text;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Tests.Sip.Stack;

public class SipDialogTests
{
    private static SipRequest Invite(string extra)
    {
        var text = "INVITE sip:hotline@10.0.0.1 SIP/2.0\r\n" +
                   "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKx\r\n" +
                   "Record-Route: <sip:p1.example.com;lr>\r\n" +
                   "Record-Route: <sip:p2.example.com;lr>\r\n" +
                   "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n" +
                   "To: <sip:hotline@10.0.0.1>\r\n" +
                   "Call-ID: d1\r\n" +
                   "CSeq: 7 INVITE\r\n" +
                   "Contact: <sip:alice@10.0.0.9:5062>\r\n" + extra +
                   "Content-Length: 0\r\n\r\n";
        Assert.True(SipParser.Default.TryParse(Encoding.UTF8.GetBytes(text), out var m, out var e), e.Detail);
        return (SipRequest)m!;
    }

    [Fact]
    public void CreateUas_BuildsByeWithRouteSetInOrderAndRemoteTargetAsRequestUri()
    {
        var dialog = SipDialog.CreateUas(Invite(""), "local1");
        var bye = dialog.CreateRequest("BYE", "UDP", "10.0.0.1", 5060, "<sip:ivr@10.0.0.1>");

        Assert.Equal("sip:alice@10.0.0.9:5062", bye.RequestUri.ToString());
        Assert.Equal(["sip:p1.example.com;lr", "sip:p2.example.com;lr"], bye.Route.Select(r => r.Uri.ToString()));
        Assert.Equal("local1", bye.From!.Tag);
        Assert.Equal("a1", bye.To!.Tag);
        Assert.Equal("d1", bye.CallId);
        Assert.Equal("BYE", bye.CSeq!.Value.Method);
        Assert.Equal("sip:p1.example.com;lr", dialog.NextHop.ToString());
        Assert.Equal("d1|local1|a1", dialog.Key);
    }

    [Fact]
    public void CSeq_IncreasesPerRequestAndRemoteOutOfOrderIsRefused()
    {
        var dialog = SipDialog.CreateUas(Invite(""), "l");
        var first = dialog.CreateRequest("INFO", "UDP", "h", 1, "<sip:x@h>").CSeq!.Value.Number;
        var second = dialog.CreateRequest("BYE", "UDP", "h", 1, "<sip:x@h>").CSeq!.Value.Number;
        Assert.Equal(first + 1, second);
        Assert.True(dialog.AcceptRemoteCSeq(8));
        Assert.False(dialog.AcceptRemoteCSeq(6));
    }

    [Fact]
    public void CreateUac_ReversesRecordRouteAndTakesContactFromResponse()
    {
        var invite = Invite("");
        var ok = SipResponse.CreateFor(invite, 200, null, "b1");
        ok.Headers.Add(SipHeaderNames.RecordRoute, "<sip:p1.example.com;lr>");
        ok.Headers.Add(SipHeaderNames.RecordRoute, "<sip:p2.example.com;lr>");
        ok.Headers.Add(SipHeaderNames.Contact, "<sip:bob@10.0.0.7>");
        var dialog = SipDialog.CreateUac(invite, ok);
        var ack = dialog.CreateRequest("ACK", "UDP", "h", 1, "<sip:x@h>", 7);

        Assert.Equal("sip:bob@10.0.0.7", ack.RequestUri.ToString());
        Assert.Equal(["sip:p2.example.com;lr", "sip:p1.example.com;lr"], ack.Route.Select(r => r.Uri.ToString()));
        Assert.Equal(new SipCSeq(7, "ACK"), ack.CSeq);
        Assert.Equal("b1", ack.To!.Tag);
    }

    [Fact]
    public void StrictRoute_PutsFirstRouteInRequestUriAndTargetLast()
    {
        var invite = Invite("");
        invite.Headers.Remove(SipHeaderNames.RecordRoute);
        invite.Headers.Add(SipHeaderNames.RecordRoute, "<sip:strict.example.com>");
        var bye = SipDialog.CreateUas(invite, "l").CreateRequest("BYE", "UDP", "h", 1, "<sip:x@h>");
        Assert.Equal("sip:strict.example.com", bye.RequestUri.ToString());
        Assert.Equal("sip:alice@10.0.0.9:5062", Assert.Single(bye.Route).Uri.ToString());
    }
}

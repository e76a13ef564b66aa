using System.Text;
using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipResponseTests
{
    private static SipRequest Request(string? extra = null)
    {
        var text = SipTestMessages.Invite().Replace("Max-Forwards: 70\r\n",
            "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy\r\nMax-Forwards: 70\r\n" + (extra ?? ""), StringComparison.Ordinal);
        Assert.True(SipParser.Default.TryParse(SipTestMessages.Bytes(text), out var msg, out var error), error.ToString());
        return (SipRequest)msg!;
    }

    [Fact]
    public void CreateFor_CopiesViasFromToCallIdCSeq_InOrder()
    {
        var req = Request();
        var resp = SipResponse.CreateFor(req, 180, null, "totag1");

        Assert.Equal("Ringing", resp.ReasonPhrase);
        Assert.Equal(["Via", "Via", "From", "To", "Call-ID", "CSeq"], resp.Headers.Select(h => h.Name));
        Assert.Equal(req.Via.Select(v => v.Branch), resp.Via.Select(v => v.Branch));
        Assert.Equal(req.Headers[SipHeaderNames.From], resp.Headers[SipHeaderNames.From]);
        Assert.Equal("totag1", resp.To!.Tag);
        Assert.True(resp.To.Uri.EqualsRfc(req.To!.Uri));
        Assert.Equal(req.CallId, resp.CallId);
        Assert.Equal(req.CSeq, resp.CSeq);
    }

    [Fact]
    public void CreateFor_100Trying_NeverAddsToTagAndCopiesTimestamp()
    {
        var resp = SipResponse.CreateFor(Request("Timestamp: 54\r\n"), 100, null, "ignored");
        Assert.Null(resp.To!.Tag);
        Assert.Equal("54", resp.Headers[SipHeaderNames.Timestamp]);
    }

    [Fact]
    public void CreateFor_ToAlreadyTagged_KeepsExistingTag()
    {
        var req = Request();
        req.Headers.Set(SipHeaderNames.To, "<sip:ivr@192.0.2.1>;tag=existing");
        Assert.Equal("existing", SipResponse.CreateFor(req, 200, null, "new").To!.Tag);
    }

    [Fact]
    public void ToBytes_Response_ParsesBackIdentical()
    {
        var resp = SipResponse.CreateFor(Request(), 200, "OK", SipIds.NewTag());
        resp.Headers.Add("Content-Type", "application/sdp");
        resp.Body = Encoding.UTF8.GetBytes(SipTestMessages.Sdp);
        var bytes = resp.ToBytes();

        Assert.True(SipParser.Default.TryParse(bytes, out var back, out var error), error.ToString());
        var r = Assert.IsType<SipResponse>(back);
        Assert.Equal((200, "OK"), (r.StatusCode, r.ReasonPhrase));
        Assert.Equal(SipTestMessages.Sdp.Length, r.ContentLength);
        Assert.Equal(bytes, r.ToBytes());
    }

    [Fact]
    public void ToBytes_StaleContentLength_IsRewritten()
    {
        var req = new SipRequest("MESSAGE", SipUri.Parse("sip:a@example.com"));
        req.Headers.Add("l", "999");
        req.Headers.Add("Via", "SIP/2.0/UDP h.example.com;branch=" + SipIds.NewBranch());
        req.Body = "hello"u8.ToArray();
        var text = Encoding.UTF8.GetString(req.ToBytes());

        Assert.Equal("MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=" + req.TopVia!.Branch +
                     "\r\nContent-Length: 5\r\n\r\nhello", text);
        Assert.Equal(SipSerializer.GetByteCount(req), req.ToBytes().Length);
    }

    [Fact]
    public void SipIds_AreRandomAndWellFormed()
    {
        var branches = Enumerable.Range(0, 100).Select(_ => SipIds.NewBranch()).ToHashSet();
        Assert.Equal(100, branches.Count);
        Assert.All(branches, b => Assert.StartsWith("z9hG4bK", b, StringComparison.Ordinal));
        Assert.All(branches, b => Assert.True(SipVia.TryParse("SIP/2.0/UDP h;branch=" + b, out _)));
        Assert.NotEqual(SipIds.NewTag(), SipIds.NewTag());
        Assert.EndsWith("@ivr.example.com", SipIds.NewCallId("ivr.example.com"), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CodeOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(700));
    }
}

using System.Text;
using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipParserTests
{
    private static readonly SipParser Parser = SipParser.Default;

    private static SipMessage Parse(string text)
    {
        Assert.True(Parser.TryParse(SipTestMessages.Bytes(text), out var msg, out var error), error.ToString());
        return msg!;
    }

    private static SipParseError Fail(string text) => Fail(SipTestMessages.Bytes(text));

    private static SipParseError Fail(byte[] bytes)
    {
        Assert.False(Parser.TryParse(bytes, out _, out var error));
        Assert.True(error.IsError);
        return error;
    }

    [Fact]
    public void TryParse_TypicalInvite_ExposesTypedHeaders()
    {
        var req = Assert.IsType<SipRequest>(Parse(SipTestMessages.Invite()));

        Assert.Equal("INVITE", req.Method);
        Assert.Equal("sip:ivr@192.0.2.1:5060", req.RequestUri.ToString());
        var via = Assert.Single(req.Via);
        Assert.Equal(("UDP", "192.0.2.10", 5062, "z9hG4bK776asdhds", true), (via.Transport, via.Host, via.Port, via.Branch, via.HasRport));
        Assert.Equal("Alice", req.From!.DisplayName);
        Assert.Equal("1928301774", req.From.Tag);
        Assert.Null(req.To!.Tag);
        Assert.Equal("a84b4c76e66710@pc33.example.com", req.CallId);
        Assert.Equal(new SipCSeq(314159, "INVITE"), req.CSeq);
        Assert.Equal(70, req.MaxForwards);
        Assert.Equal("udp", Assert.Single(req.Contact).Uri.Transport);
        Assert.Equal(["replaces", "timer"], req.Supported);
        Assert.Equal(8, req.Headers.CountOf(SipHeaderNames.Allow));
        Assert.Equal("application/sdp", req.ContentMediaType);
        Assert.Equal(SipTestMessages.Sdp, Encoding.UTF8.GetString(req.Body.Span));
        Assert.Equal(req.Body.Length, req.ContentLength);
    }

    [Theory]
    [InlineData("i", "Call-ID")]
    [InlineData("m", "Contact")]
    [InlineData("e", "Content-Encoding")]
    [InlineData("l", "Content-Length")]
    [InlineData("c", "Content-Type")]
    [InlineData("f", "From")]
    [InlineData("s", "Subject")]
    [InlineData("k", "Supported")]
    [InlineData("t", "To")]
    [InlineData("v", "Via")]
    [InlineData("o", "Event")]
    [InlineData("r", "Refer-To")]
    [InlineData("b", "Referred-By")]
    [InlineData("x", "Session-Expires")]
    [InlineData("u", "Allow-Events")]
    [InlineData("I", "Call-ID")]
    [InlineData("cSEQ", "CSeq")]
    [InlineData("max-forwards", "Max-Forwards")]
    [InlineData("X-Custom", "X-Custom")]
    public void Normalize_CompactOrOddCase_GivesCanonicalName(string name, string expected)
    {
        Assert.Equal(expected, SipHeaderNames.Normalize(name));
    }

    [Fact]
    public void TryParse_CompactForms_AreExpandedAndSerializedInFull()
    {
        var text = "OPTIONS sip:ivr@example.com SIP/2.0\r\n" +
                   "v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n" +
                   "t: <sip:ivr@example.com>\r\nf: <sip:a@example.com>;tag=9\r\ni: c1\r\n" +
                   "CSeq: 1 OPTIONS\r\nm: <sip:a@h.example.com>\r\nk: replaces\r\ns: hello\r\nl: 0\r\n\r\n";
        var msg = Parse(text);

        Assert.Equal("c1", msg.CallId);
        Assert.Equal("9", msg.From!.Tag);
        Assert.Equal(["Via", "To", "From", "Call-ID", "CSeq", "Contact", "Supported", "Subject", "Content-Length"], msg.Headers.Select(h => h.Name));
        var output = Encoding.UTF8.GetString(msg.ToBytes());
        Assert.Contains("\r\nCall-ID: c1\r\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\ni:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_FoldedHeader_IsUnfoldedToSingleSpaces()
    {
        var msg = Parse(SipTestMessages.Options("Subject: I know you're there,\r\n\tpick up the phone\r\n   and talk to me!"));
        Assert.Equal("I know you're there, pick up the phone and talk to me!", msg.Headers[SipHeaderNames.Subject]);
    }

    [Fact]
    public void TryParse_ListHeaders_AreSplitOnTopLevelCommasOnly()
    {
        var msg = Parse(SipTestMessages.Options(
            "Contact: \"Doe, John\" <sip:j@a.example.com;x=1>, <sip:k@b.example.com>;q=0.5",
            "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>",
            "Date: Sat, 13 Nov 2010 23:29:00 GMT"));

        Assert.Equal(["Doe, John", null], msg.Contact.Select(c => c.DisplayName));
        Assert.Equal("0.5", msg.Contact[1].Parameters.Get("q"));
        Assert.Equal(["p1.example.com", "p2.example.com"], msg.Route.Select(r => r.Uri.Host));
        Assert.Equal("Sat, 13 Nov 2010 23:29:00 GMT", msg.Headers[SipHeaderNames.Date]);
    }

    [Fact]
    public void TryParse_ViaListInOneLine_KeepsOrder()
    {
        var msg = Parse(SipTestMessages.Options().Replace("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKabc",
            "Via: SIP/2.0/UDP first.example.com;branch=z9hG4bK1, SIP/2.0/TCP second.example.com:5070;branch=z9hG4bK2", StringComparison.Ordinal));
        Assert.Equal(["first.example.com", "second.example.com"], msg.Via.Select(v => v.Host));
        Assert.Equal(5070, msg.Via[1].Port);
    }

    [Fact]
    public void TryParse_LeadingCrlfKeepAlives_AreSkipped()
    {
        var msg = Parse("\r\n\r\n\r\n" + SipTestMessages.Options());
        Assert.Equal("OPTIONS", ((SipRequest)msg).Method);
    }

    [Fact]
    public void TryParse_OnlyCrlf_IsEmptyNotRespondable()
    {
        var error = Fail("\r\n\r\n");
        Assert.Equal(SipParseErrorCode.Empty, error.Code);
        Assert.False(error.CanRespond);
    }

    [Fact]
    public void TryParse_LeadingWhitespaceOnStartLine_IsRefused()
    {
        Assert.Equal(SipParseErrorCode.InvalidStartLine, Fail(" " + SipTestMessages.Options()).Code);
    }

    [Fact]
    public void TryParse_DatagramOverLimit_IsDropped()
    {
        var big = SipTestMessages.Invite(new string('a', 70 * 1024));
        var error = Fail(big);
        Assert.Equal(SipParseErrorCode.MessageTooLarge, error.Code);
        Assert.False(error.CanRespond);
    }

    [Fact]
    public void TryParse_TooManyHeaders_IsRefused()
    {
        var extra = Enumerable.Range(0, 130).Select(i => "X-H" + i + ": v").ToArray();
        Assert.Equal(SipParseErrorCode.TooManyHeaders, Fail(SipTestMessages.Options(extra)).Code);
    }

    [Fact]
    public void TryParse_HeaderLongerThan8KiB_IsRefused()
    {
        Assert.Equal(SipParseErrorCode.HeaderTooLong, Fail(SipTestMessages.Options("X-Long: " + new string('x', 9000))).Code);
    }

    [Fact]
    public void TryParse_RequestUriOver4KiB_Answers414()
    {
        var text = SipTestMessages.Options().Replace("OPTIONS sip:ivr@example.com", "OPTIONS sip:" + new string('u', 5000) + "@example.com", StringComparison.Ordinal);
        Assert.False(Parser.TryParse(SipTestMessages.Bytes(text), out var msg, out var error));
        Assert.Equal((SipParseErrorCode.RequestUriTooLong, 414, true), (error.Code, error.StatusCode, error.CanRespond));
        Assert.Equal(414, SipResponse.CreateFor((SipRequest)msg!, error.StatusCode).StatusCode);
    }

    [Fact]
    public void TryParse_InvalidUtf8InHeader_Answers400()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Options("Subject: caf\u00e9"));
        var i = Array.IndexOf(bytes, (byte)0xC3);
        bytes[i] = 0xFF;
        var error = Fail(bytes);
        Assert.Equal((SipParseErrorCode.InvalidUtf8, 400, true), (error.Code, error.StatusCode, error.CanRespond));
    }

    [Fact]
    public void TryParse_BareLfInHeaders_IsRefused()
    {
        Assert.Equal(SipParseErrorCode.BareCrOrLf, Fail(SipTestMessages.Options("X-A: 1\nX-B: 2")).Code);
    }

    [Fact]
    public void TryParse_ControlCharacterInValue_IsRefused()
    {
        Assert.Equal(SipParseErrorCode.InvalidHeaderValue, Fail(SipTestMessages.Options("Subject: a\u0001b")).Code);
    }

    [Fact]
    public void TryParse_BodyLongerThanContentLength_IsTruncated()
    {
        var msg = Parse(SipTestMessages.Invite(SipTestMessages.Sdp + "garbage after the body", SipTestMessages.Sdp.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(SipTestMessages.Sdp, Encoding.UTF8.GetString(msg.Body.Span));
    }

    [Fact]
    public void TryParse_ContentLengthLargerThanBody_Answers400()
    {
        var error = Fail(SipTestMessages.Invite(contentLength: "4000"));
        Assert.Equal((SipParseErrorCode.BodyShorterThanContentLength, 400, true), (error.Code, error.StatusCode, error.CanRespond));
    }

    [Fact]
    public void TryParse_NoContentLengthOnUdp_BodyIsRestOfDatagram()
    {
        var text = SipTestMessages.Invite().Replace("Content-Length: " + SipTestMessages.Sdp.Length + "\r\n", "", StringComparison.Ordinal);
        var msg = Parse(text);
        Assert.Null(msg.ContentLength);
        Assert.Equal(SipTestMessages.Sdp.Length, msg.Body.Length);
    }

    [Fact]
    public void TryParse_NoContentLengthOnStream_IsRefused()
    {
        var text = SipTestMessages.Invite().Replace("Content-Length: " + SipTestMessages.Sdp.Length + "\r\n", "", StringComparison.Ordinal);
        Assert.False(Parser.TryParse(SipTestMessages.Bytes(text), requireContentLength: true, out _, out var error));
        Assert.Equal(SipParseErrorCode.MissingContentLength, error.Code);
    }

    [Fact]
    public void TryParse_MissingVia_IsDropped()
    {
        var text = SipTestMessages.Options().Replace("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKabc\r\n", "", StringComparison.Ordinal);
        var error = Fail(text);
        Assert.Equal(SipParseErrorCode.MissingVia, error.Code);
        Assert.False(error.CanRespond);
    }

    [Fact]
    public void TryParse_InvalidAck_IsNeverAnswered()
    {
        var text = "ACK sip:ivr@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n" +
                   "To: <sip:ivr@example.com>;tag=1\r\nFrom: <sip:a@example.com>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        var error = Fail(text);
        Assert.Equal(SipParseErrorCode.CSeqMethodMismatch, error.Code);
        Assert.False(error.CanRespond);
    }

    [Fact]
    public void TryParse_ResponseWithUnsupportedVersion_IsDropped()
    {
        var error = Fail("SIP/3.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\n\r\n");
        Assert.Equal(SipParseErrorCode.UnsupportedVersion, error.Code);
        Assert.False(error.CanRespond);
    }

    [Theory]
    [InlineData("SIP/2.0 99 Too small")]
    [InlineData("SIP/2.0 700 Too big")]
    [InlineData("SIP/2.0 2000 Four digits")]
    [InlineData("SIP/2.0 OK")]
    public void TryParse_BadStatusCode_IsRefused(string statusLine)
    {
        Assert.Equal(SipParseErrorCode.InvalidStatusCode,
            Fail(statusLine + "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\n\r\n").Code);
    }

    [Fact]
    public void TryParse_ResponseFields_AreRead()
    {
        var resp = Assert.IsType<SipResponse>(Parse(
            "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1;received=192.0.2.9;rport=6000\r\n" +
            "To: <sip:b@example.com>;tag=x\r\nFrom: <sip:a@example.com>;tag=y\r\nCall-ID: z\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n"));
        Assert.Equal((486, "Busy Here"), (resp.StatusCode, resp.ReasonPhrase));
        Assert.Equal(("192.0.2.9", 6000), (resp.TopVia!.Received, resp.TopVia.Rport));
        Assert.Equal("x", resp.To!.Tag);
    }

    [Fact]
    public void Headers_ChangeAfterParse_TypedAccessorsFollow()
    {
        var msg = Parse(SipTestMessages.Options());
        Assert.Equal("z9hG4bKabc", msg.TopVia!.Branch);

        msg.Headers.AddFirst("v", SipVia.Create("TCP", "proxy.example.com", 5060, "z9hG4bKnew").ToString());

        Assert.Equal(2, msg.Via.Count);
        Assert.Equal("z9hG4bKnew", msg.TopVia!.Branch);
        Assert.True(msg.Headers.RemoveFirst(SipHeaderNames.Via));
        Assert.Equal("z9hG4bKabc", msg.TopVia!.Branch);
    }

    [Fact]
    public void TryParse_ContactWildcard_IsRecognised()
    {
        var msg = Parse(SipTestMessages.Options("Contact: *", "Expires: 0"));
        Assert.True(msg.IsContactWildcard);
        Assert.Empty(msg.Contact);
        Assert.Equal(0u, msg.Expires);
    }

    [Fact]
    public void TryParse_ContactWildcardWithOthers_IsRefused()
    {
        Assert.Equal(SipParseErrorCode.InvalidContact, Fail(SipTestMessages.Options("Contact: *", "Contact: <sip:a@b.example.com>")).Code);
    }
}

using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class Rfc4475Tests
{
    private static readonly SipParser Parser = SipParser.Default;
    private static readonly SipRequestValidator Validator = new();

    public static TheoryData<string> AllMessages => Rfc4475.All();
    public static TheoryData<string> ValidMessages => Rfc4475.Of(Rfc4475.Category.Valid);
    public static TheoryData<string> InvalidMessages => Rfc4475.Of(Rfc4475.Category.Invalid);

    private static SipMessage ParseOk(string name)
    {
        var ok = Parser.TryParse(Rfc4475.Load(name), out var msg, out var error);
        Assert.True(ok, name + ": " + error);
        Assert.NotNull(msg);
        return msg;
    }

    private static SipRequest ParseRequest(string name) => Assert.IsType<SipRequest>(ParseOk(name));

    [Fact]
    public void Table_CoversEveryShippedFile()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475"), "*.dat")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(49, files.Length);
        Assert.Equal(Rfc4475.Table.Keys.Order(StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(AllMessages))]
    public void TryParse_EveryTortureMessage_BehavesAsRfc4475Says(string name)
    {
        var ok = Parser.TryParse(Rfc4475.Load(name), out var msg, out var error);
        switch (Rfc4475.Table[name])
        {
            case Rfc4475.Category.Invalid:
                // Refused by the parser, or (never) accepted by parser and validator together.
                if (ok)
                {
                    var result = Validator.Validate(Assert.IsType<SipRequest>(msg));
                    Assert.False(result.IsAccepted, name);
                }
                else
                {
                    Assert.True(error.IsError);
                    if (error.CanRespond)
                    {
                        Assert.Contains(error.StatusCode, new[] { 400, 505 });
                        var response = SipResponse.CreateFor(Assert.IsType<SipRequest>(msg), error.StatusCode);
                        Assert.True(Parser.TryParse(response.ToBytes(), out _, out var e2) || e2.IsError);
                    }
                    else
                    {
                        Assert.Null(msg);
                    }
                }
                break;
            case Rfc4475.Category.Valid:
            case Rfc4475.Category.Application:
            case Rfc4475.Category.Transaction:
            case Rfc4475.Category.Compatibility:
                Assert.True(ok, name + ": " + error);
                Assert.NotNull(msg);
                break;
        }
    }

    [Theory]
    [InlineData("badinv01", SipParseErrorCode.InvalidListValue, false)]
    [InlineData("clerr", SipParseErrorCode.BodyShorterThanContentLength, true)]
    [InlineData("ncl", SipParseErrorCode.InvalidContentLength, true)]
    [InlineData("scalar02", SipParseErrorCode.InvalidCSeq, true)]
    [InlineData("scalarlg", SipParseErrorCode.InvalidCSeq, false)]
    [InlineData("quotbal", SipParseErrorCode.InvalidTo, true)]
    [InlineData("ltgtruri", SipParseErrorCode.InvalidRequestUri, true)]
    [InlineData("lwsruri", SipParseErrorCode.InvalidRequestUri, true)]
    [InlineData("lwsstart", SipParseErrorCode.InvalidRequestUri, true)]
    [InlineData("trws", SipParseErrorCode.InvalidStartLine, true)]
    [InlineData("escruri", SipParseErrorCode.RequestUriHeadersNotAllowed, true)]
    [InlineData("baddate", SipParseErrorCode.InvalidDate, true)]
    [InlineData("regbadct", SipParseErrorCode.InvalidContact, true)]
    [InlineData("badaspec", SipParseErrorCode.InvalidTo, true)]
    [InlineData("baddn", SipParseErrorCode.InvalidFrom, true)]
    [InlineData("badvers", SipParseErrorCode.UnsupportedVersion, true)]
    [InlineData("mismatch01", SipParseErrorCode.CSeqMethodMismatch, true)]
    [InlineData("mismatch02", SipParseErrorCode.CSeqMethodMismatch, true)]
    [InlineData("bigcode", SipParseErrorCode.InvalidStatusCode, false)]
    public void TryParse_InvalidMessage_RefusedForTheRightReason(string name, SipParseErrorCode expected, bool canRespond)
    {
        var ok = Parser.TryParse(Rfc4475.Load(name), out var msg, out var error);

        Assert.False(ok);
        Assert.Equal(expected, error.Code);
        Assert.Equal(canRespond, error.CanRespond);
        Assert.Equal(canRespond, msg is not null);
        if (canRespond) Assert.Equal(name == "badvers" ? 505 : 400, error.StatusCode);
    }

    [Fact]
    public void TryParse_InvalidRequestWithRespondableError_BuildsMatching400()
    {
        Assert.False(Parser.TryParse(Rfc4475.Load("quotbal"), out var msg, out var error));
        var response = SipResponse.CreateFor(Assert.IsType<SipRequest>(msg), error.StatusCode, error.Detail);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("quotbal.aksdj", response.CallId);
        Assert.Equal("8 INVITE", response.Headers[SipHeaderNames.CSeq]);
        Assert.Equal("z9hG4bKkdjuw39234", Assert.Single(response.Via).Branch);
    }

    [Fact]
    public void TryParse_ShippedIntmethWithCrCrLf_IsRefused()
    {
        // CR CR LF never forms the CRLF CRLF that ends the headers.
        Assert.False(Parser.TryParse(Rfc4475.LoadRaw("intmeth"), out var msg, out var error));
        Assert.Equal(SipParseErrorCode.HeadersNotTerminated, error.Code);
        Assert.Null(msg);
    }

    [Fact]
    public void TryParse_ShippedBaddnWithoutEmptyLine_IsDropped()
    {
        Assert.False(Parser.TryParse(Rfc4475.LoadRaw("baddn"), out var msg, out var error));
        Assert.Equal(SipParseErrorCode.HeadersNotTerminated, error.Code);
        Assert.Null(msg);
    }

    [Fact]
    public void Wsinv_WhitespaceFoldingAndCompactForms_AreUnderstood()
    {
        var req = ParseRequest("wsinv");

        Assert.Equal("INVITE", req.Method);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", req.CallId);
        Assert.Equal(68, req.MaxForwards);
        Assert.Equal(new SipCSeq(9, "INVITE"), req.CSeq);
        Assert.Equal(["UDP", "TCP", "UDP"], req.Via.Select(v => v.Transport));
        Assert.Equal("390skdjuw", req.Via[0].Branch);
        Assert.Equal("spindle.example.com", req.Via[1].Host);
        Assert.Equal("z9hG4bK9ikj8", req.Via[1].Branch);
        Assert.Equal("z9hG4bK30239", req.Via[2].Branch);
        Assert.Equal("1918181833n", req.To!.Tag);
        Assert.Equal("J Rosenberg \\\"", req.From!.DisplayName);
        Assert.Equal("98asjd8", req.From.Tag);
        var contact = Assert.Single(req.Contact);
        Assert.Equal("Quoted string \"\"", contact.DisplayName);
        Assert.Equal("newvalue", contact.Parameters.Get("newparam"));
        Assert.True(contact.Parameters.Contains("secondparam"));
        Assert.Equal("0.33", contact.Parameters.Get("q"));
        Assert.Equal("", req.Headers[SipHeaderNames.Subject]);
        Assert.Equal("newfangled value continued newfangled value", req.Headers["NewFangledHeader"]);
        Assert.Equal(";;,,;;,;", req.Headers["UnknownHeaderWithUnusualValue"]);
        Assert.True(Assert.Single(req.Route).Uri.Parameters.Contains("lr"));
        Assert.Equal(150, req.Body.Length);
        Assert.True(Validator.Validate(req).IsAccepted);
    }

    [Fact]
    public void Intmeth_UnusualTokensAndQuotedControls_AreKept()
    {
        var req = ParseRequest("intmeth");
        const string method = "!interesting-Method0123456789_*+`.%indeed'~";

        Assert.Equal(method, req.Method);
        Assert.Equal(method, req.CSeq!.Value.Method);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", req.RequestUri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", req.RequestUri.Password);
        Assert.Equal("BEL:\a NUL:\0 DEL:\u007f", req.To!.DisplayName);
        Assert.Equal("token1~` token2'+_ token3*%!.-", req.From!.DisplayName);
        Assert.Equal("\"работающий\"", req.From.Parameters.Get("fromParam''~+*_!.-%"));
        Assert.Equal("_token~1'+`*%!-.", req.From.Tag);
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", req.CallId);
        Assert.Equal("\uFEFF大停電", req.Headers["extensionHeader-!.%*+_`'~"]);
        Assert.Equal(501, Validator.Validate(req).StatusCode);
    }

    [Fact]
    public void Esc01_EscapedUris_CompareEqualToUnescaped()
    {
        var req = ParseRequest("esc01");

        Assert.Equal("sips:user@example.com", req.RequestUri.UserUnescaped);
        Assert.Equal("example.net", req.RequestUri.Host);
        Assert.True(req.To!.Uri.EqualsRfc(SipUri.Parse("sip:user@example.com")));
        Assert.Equal("I have spaces", req.From!.Uri.UserUnescaped);
        Assert.True(Assert.Single(req.Contact).Uri.EqualsRfc(SipUri.Parse("sip:caller@host5.example.net;lr;name=value%2541")));
        Assert.Equal("application/sdp", req.ContentMediaType);
        Assert.True(Validator.Validate(req).IsAccepted);
    }

    [Fact]
    public void Escnull_EscapedNul_IsKeptAndDecoded()
    {
        var req = ParseRequest("escnull");

        Assert.Equal("null-%00-null", req.To!.Uri.User);
        Assert.Equal("null-\0-null", req.To.Uri.UserUnescaped);
        Assert.Equal(["\0", "\0\0"], req.Contact.Select(c => c.Uri.UserUnescaped));
        Assert.Equal(0, req.ContentLength);
    }

    [Fact]
    public void Esc02_EscapesInMethodAndHeaderName_AreNotDecoded()
    {
        var req = ParseRequest("esc02");

        Assert.Equal("RE%47IST%45R", req.Method);
        Assert.Equal(["sip:alias1@host1.example.com", "sip:alias3@host3.example.com"], req.Contact.Select(c => c.Uri.ToString()));
        Assert.Equal("<sip:alias2@host2.example.com>", req.Headers["C%6Fntact"]);
        Assert.Equal("%Z%45", req.To!.DisplayName);
        Assert.Equal("z9hG4bK209%fzsnel234", req.TopVia!.Branch);
        var result = Validator.Validate(req);
        Assert.Equal(501, result.StatusCode);
        Assert.Contains(result.ExtraHeaders, h => h.Name == SipHeaderNames.Allow);
    }

    [Fact]
    public void Lwsdisp_DisplayNameWithoutSpace_Parses()
    {
        var from = ParseRequest("lwsdisp").From!;
        Assert.Equal("caller", from.DisplayName);
        Assert.Equal("sip:caller@example.com", from.Uri.ToString());
        Assert.Equal("323", from.Tag);
    }

    [Fact]
    public void Longreq_LongValuesAndManyVias_Parse()
    {
        var req = ParseRequest("longreq");

        Assert.StartsWith("I have a user name of extremeextreme", req.To!.DisplayName);
        Assert.Equal(6000, req.To.Uri.Port);
        Assert.Equal(34, req.Via.Count);
        Assert.Equal("sip33.example.com", req.Via[0].Host);
        Assert.Equal("192.0.2.5", req.Via[^1].Received);
        Assert.True(req.Via[^1].Branch!.Length > 100);
        Assert.StartsWith("longreq.onereally", req.CallId);
        Assert.True(req.From!.Tag!.Length > 100);
        Assert.Equal(150, req.Body.Length);
    }

    [Fact]
    public void Dblreq_SecondMessageInDatagram_IsIgnored()
    {
        var req = ParseRequest("dblreq");
        Assert.Equal("REGISTER", req.Method);
        Assert.Equal("dblreq.0ha0isndaksdj99sdfafnl3lk233412", req.CallId);
        Assert.True(req.Body.IsEmpty);
    }

    [Fact]
    public void Semiuri_SemicolonInUserPart_BelongsToUser()
    {
        var uri = ParseRequest("semiuri").RequestUri;
        Assert.Equal("user;par=u%40example.net", uri.User);
        Assert.Equal("example.com", uri.Host);
        Assert.Empty(uri.Parameters);
        Assert.Equal(6, ParseRequest("semiuri").Headers.CountOf(SipHeaderNames.Accept));
    }

    [Fact]
    public void Transports_AllTransportTokens_Parse()
    {
        var req = ParseRequest("transports");
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], req.Via.Select(v => v.Transport));
        Assert.Equal("transports.kijh4akdnaqjkwendsasfdj", req.CallId);
    }

    [Fact]
    public void Mpart01_BinaryMultipartBody_IsKeptWhole()
    {
        var req = ParseRequest("mpart01");
        Assert.Equal(553, req.Body.Length);
        Assert.Equal("multipart/mixed", req.ContentMediaType);
        Assert.True(req.TopVia!.HasRport);
        Assert.Equal(405, Validator.Validate(req).StatusCode);
    }

    [Fact]
    public void Unreason_Utf8ReasonPhrase_IsDecoded()
    {
        var resp = Assert.IsType<SipResponse>(ParseOk("unreason"));
        Assert.Equal(200, resp.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", resp.ReasonPhrase);
        Assert.Equal(154, resp.Body.Length);
    }

    [Fact]
    public void Noreason_EmptyReasonPhrase_Parses()
    {
        var resp = Assert.IsType<SipResponse>(ParseOk("noreason"));
        Assert.Equal(100, resp.StatusCode);
        Assert.Equal("", resp.ReasonPhrase);
    }

    [Theory]
    [InlineData("insuf", 400)]
    [InlineData("unkscm", 416)]
    [InlineData("novelsc", 416)]
    [InlineData("unksm2", 400)]
    [InlineData("bext01", 420)]
    [InlineData("invut", 415)]
    [InlineData("multi01", 400)]
    [InlineData("mcl01", 400)]
    [InlineData("sdp01", 406)]
    [InlineData("badbranch", 400)]
    public void Validate_ApplicationLayerCase_AnswersAsRfc4475Says(string name, int expected)
    {
        var result = Validator.Validate(ParseRequest(name));
        Assert.Equal(expected, result.StatusCode);
        Assert.False(result.Discard);
    }

    [Theory]
    [InlineData("zeromf")]
    [InlineData("cparam01")]
    [InlineData("cparam02")]
    [InlineData("regescrt")]
    [InlineData("regaut01")]
    [InlineData("inv2543")]
    public void Validate_AcceptableRequest_IsAccepted(string name)
    {
        Assert.True(Validator.Validate(ParseRequest(name)).IsAccepted);
    }

    [Fact]
    public void Bext01_UnknownRequire_Gets420ListingBoth()
    {
        var req = ParseRequest("bext01");
        var response = Validator.Validate(req).ToResponse(req, "abc")!;

        Assert.Equal(420, response.StatusCode);
        Assert.Equal("nothingSupportsThis, nothingSupportsThisEither", response.Headers[SipHeaderNames.Unsupported]);
        Assert.Equal("abc", response.To!.Tag);
    }

    [Fact]
    public void Invut_UnknownBodyType_Gets415WithAccept()
    {
        var result = Validator.Validate(ParseRequest("invut"));
        Assert.Equal(new SipHeader(SipHeaderNames.Accept, "application/sdp"), Assert.Single(result.ExtraHeaders));
    }

    [Fact]
    public void Zeromf_WhenForwarding_Gets483()
    {
        var forwarding = new SipRequestValidator(new SipValidatorOptions { ForwardsRequests = true });
        Assert.Equal(483, forwarding.Validate(ParseRequest("zeromf")).StatusCode);
    }

    [Fact]
    public void Regaut01_UnknownAuthSchemeWhenDigestRequired_Gets401()
    {
        var registrar = new SipRequestValidator(new SipValidatorOptions { RegisterRequiresDigest = true });
        var req = ParseRequest("regaut01");
        Assert.Equal(401, registrar.Validate(req).StatusCode);
        Assert.Equal("NoOneKnowsThisScheme opaque-data=here", req.Headers[SipHeaderNames.Authorization]);
    }

    [Fact]
    public void Cparam_ParameterOutsideBrackets_BelongsToHeaderInsideToUri()
    {
        var c1 = Assert.Single(ParseRequest("cparam01").Contact);
        Assert.True(c1.Parameters.Contains("unknownparam"));
        Assert.Empty(c1.Uri.Parameters);

        var c2 = Assert.Single(ParseRequest("cparam02").Contact);
        Assert.Empty(c2.Parameters);
        Assert.True(c2.Uri.Parameters.Contains("unknownparam"));
    }

    [Fact]
    public void Regescrt_EscapedHeaderInContactUri_IsKept()
    {
        var contact = Assert.Single(ParseRequest("regescrt").Contact);
        Assert.Equal("%3Csip:sip.example.com%3E", contact.Uri.Headers.Get("Route"));
    }

    [Fact]
    public void Bcast_ResponseWithTwoVias_IsDiscarded()
    {
        var resp = Assert.IsType<SipResponse>(ParseOk("bcast"));
        Assert.Equal("255.255.255.255", resp.Via[1].Host);
        Assert.True(SipRequestValidator.ShouldDiscardResponse(resp));
        Assert.False(SipRequestValidator.ShouldDiscardResponse(Assert.IsType<SipResponse>(ParseOk("noreason"))));
    }

    [Fact]
    public void Inv2543_Rfc2543Request_IsAcceptedWithoutBranchOrMaxForwards()
    {
        var req = ParseRequest("inv2543");
        Assert.Null(req.TopVia!.Branch);
        Assert.False(req.TopVia.HasRfc3261Branch);
        Assert.Null(req.MaxForwards);
        Assert.Null(req.ContentLength);
        Assert.Equal(105, req.Body.Length);
        Assert.Equal("phone", req.From!.Uri.Parameters.Get("user"));
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Serialize_ValidMessage_RoundTrips(string name)
    {
        var first = ParseOk(name);
        var bytes = first.ToBytes();
        Assert.True(Parser.TryParse(bytes, out var second, out var error), error.ToString());

        Assert.Equal(first.StartLine, second!.StartLine);
        Assert.Equal(first.Headers.Where(h => h.Name != SipHeaderNames.ContentLength),
            second.Headers.Where(h => h.Name != SipHeaderNames.ContentLength));
        Assert.Equal(first.Body.ToArray(), second.Body.ToArray());
        Assert.Equal(first.Body.Length, second.ContentLength);
        Assert.Equal(bytes, second.ToBytes());
    }
}

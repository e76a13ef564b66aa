using System.Net;
using Ivr.Engine.Calls;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Transport;
using Ivr.Flows.Runtime;

namespace Ivr.Tests.Calls;

/// <summary>The admission decision as plain code, the one gate: capacity and drain, flow by dialled number, the SDP offer.</summary>
public class CallAdmissionTests
{
    [Fact]
    public void Decide_KnownNumber_TakesTheCallWithTheCallersData()
    {
        var session = new InProcessInviteSession("abc@host", "hotline", "+15555550123", "Grace");

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, session.CallId, CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.True(admission.IsAccepted);
        Assert.Equal("hotline", admission.Flow!.Id);
        Assert.Equal(new CallInfo("abc@host", "+15555550123", "Grace", "hotline"), admission.Call);
        Assert.Equal(0, admission.Media!.Format.PayloadType);
        Assert.Equal(101, admission.Media.Format.DtmfPayloadType);
    }

    [Fact]
    public void Decide_Accepted_ChoosesTheStreamWithoutALocalAddress_AndTheAnswerIsWrittenFromIt()
    {
        var session = new InProcessInviteSession("x");
        var offer = SdpSession.Parse(InProcessInviteSession.PcmuOffer);

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);
        var written = SdpNegotiator.WriteAnswer(admission.Sdp!, IPAddress.Parse("192.0.2.7"), 30000, sessionId: 7);

        Assert.Equal((0, new IPEndPoint(IPAddress.Loopback, 40000)), (admission.Sdp!.StreamIndex, admission.Media!.RemoteEndPoint));
        Assert.Equal(SdpNegotiator.Answer(offer, IPAddress.Parse("192.0.2.7"), 30000, sessionId: 7).Answer!.ToString(), written.ToString());
    }

    [Fact]
    public void Decide_NoCommonCodec_Is488WithTheReasonInAWarning()
    {
        var session = new InProcessInviteSession("x", sdpOffer: InProcessInviteSession.G729Offer);

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal((488, false), (admission.StatusCode, admission.IsAccepted));
        Assert.Contains(admission.Headers, h => h.Name == "Warning" && h.Value.StartsWith("399 ivr \"No acceptable audio stream", StringComparison.Ordinal) && h.Value.Contains("18 G729/8000", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_SrtpRequiredAndAPlainOffer_Is488SayingSrtpIsRequired_OptionalTakesItPlain()
    {
        var session = new InProcessInviteSession("x");

        var required = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings with { Srtp = SrtpPolicy.Required }, CallTestFlows.Catalog, 0, draining: false);
        var optional = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings with { Srtp = SrtpPolicy.Optional }, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal((488, false), (required.StatusCode, required.IsAccepted));
        Assert.Contains(required.Headers, h => h.Name == "Warning" && h.Value.Contains("SRTP required but no a=crypto", StringComparison.Ordinal));
        Assert.True(optional.IsAccepted);
        Assert.Null(optional.Media!.Srtp);
    }

    [Theory]
    [InlineData(SrtpPolicy.Required)]
    [InlineData(SrtpPolicy.Optional)]
    public void Decide_SrtpOfferOverUdp_RefuseKeysOverPlainSignalling_SendsNoKeys(SrtpPolicy policy)
    {
        var savp = new InProcessInviteSession("x", sdpOffer: SrtpOffer("RTP/SAVP"));
        var avp = new InProcessInviteSession("y", sdpOffer: SrtpOffer("RTP/AVP"));
        var settings = CallTestFlows.Settings with { Srtp = policy, SrtpKeysOverPlainSignalling = SrtpKeysOverPlainSignalling.Refuse };

        var savpAdmission = CallAdmission.Decide(savp.Invite, SipProtocol.Udp, "x", settings, CallTestFlows.Catalog, 0, draining: false);
        var avpAdmission = CallAdmission.Decide(avp.Invite, SipProtocol.Tcp, "y", settings, CallTestFlows.Catalog, 0, draining: false);

        // RFC 4568 §8.3: an SRTP-only offer cannot be taken without keys; an RTP/AVP one goes plain only when SRTP is optional.
        Assert.Equal((488, false), (savpAdmission.StatusCode, savpAdmission.IsAccepted));
        Assert.Contains(savpAdmission.Headers, h => h.Name == "Warning" && h.Value.Contains("SRTP keys need TLS signalling", StringComparison.Ordinal));
        if (policy == SrtpPolicy.Required)
        {
            Assert.Equal((488, false), (avpAdmission.StatusCode, avpAdmission.IsAccepted));
        }
        else
        {
            Assert.True(avpAdmission.IsAccepted);
            Assert.Null(avpAdmission.Media!.Srtp);
            Assert.DoesNotContain("a=crypto", SdpNegotiator.WriteAnswer(avpAdmission.Sdp!, IPAddress.Loopback, 30000).ToString(), StringComparison.Ordinal);
            Assert.False(avpAdmission.KeysOverPlainSignalling);
        }
    }

    [Fact]
    public void Decide_SrtpOfferOverTls_RefuseKeysOverPlainSignalling_AnswersWithKeys()
    {
        var session = new InProcessInviteSession("x", sdpOffer: SrtpOffer("RTP/SAVP"));
        var settings = CallTestFlows.Settings with { Srtp = SrtpPolicy.Required, SrtpKeysOverPlainSignalling = SrtpKeysOverPlainSignalling.Refuse };

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Tls, "x", settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.True(admission.IsAccepted);
        Assert.NotNull(admission.Media!.Srtp);
        Assert.False(admission.KeysOverPlainSignalling);
    }

    [Theory]
    [InlineData(SrtpKeysOverPlainSignalling.Warn, SipProtocol.Udp, true)]
    [InlineData(SrtpKeysOverPlainSignalling.Warn, SipProtocol.Tls, false)]
    [InlineData(SrtpKeysOverPlainSignalling.Allow, SipProtocol.Udp, false)]
    public void Decide_SrtpOffer_WarnFlagsOnlyKeysOverPlainSignalling(SrtpKeysOverPlainSignalling setting, SipProtocol transport, bool flagged)
    {
        var session = new InProcessInviteSession("x", sdpOffer: SrtpOffer("RTP/SAVP"));
        var settings = CallTestFlows.Settings with { Srtp = SrtpPolicy.Optional, SrtpKeysOverPlainSignalling = setting };

        var admission = CallAdmission.Decide(session.Invite, transport, "x", settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.True(admission.IsAccepted);
        Assert.NotNull(admission.Media!.Srtp);
        Assert.Equal(flagged, admission.KeysOverPlainSignalling);
    }

    [Fact]
    public void CallManagerSettings_ByDefault_WarnsOfKeysOverPlainSignalling()
    {
        Assert.Equal(SrtpKeysOverPlainSignalling.Warn, new CallManagerSettings().SrtpKeysOverPlainSignalling);
        Assert.Equal(SrtpKeysOverPlainSignalling.Warn, new Ivr.Engine.Hosting.MediaOptions().SrtpKeysOverPlainSignalling);
    }

    [Fact]
    public void Decide_UnreadableOffer_Is488BadSdp()
    {
        var session = new InProcessInviteSession("x", sdpOffer: "not sdp at all");

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(488, admission.StatusCode);
        Assert.Contains(admission.Headers, h => h is { Name: "Warning", Value: "399 ivr \"bad SDP\"" });
    }

    [Fact]
    public void Decide_Draining_Is503BeforeTheNumberOrTheOfferIsLookedAt()
    {
        var session = new InProcessInviteSession("x", "nobody", sdpOffer: InProcessInviteSession.G729Offer);

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: true);

        Assert.Equal((503, "draining"), (admission.StatusCode, admission.Reason));
    }

    [Fact]
    public void Decide_UnknownNumberWithoutDefault_Is404()
    {
        var session = new InProcessInviteSession("x", "nobody");

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(404, admission.StatusCode);
    }

    [Fact]
    public void Decide_UnknownNumberWithDefaultFlow_RunsTheDefault()
    {
        var session = new InProcessInviteSession("x", "nobody");
        var settings = CallTestFlows.Settings with { DefaultFlow = "goodbye" };

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal("goodbye", admission.Flow?.Id);
    }

    [Fact]
    public void Decide_MappedFlowNotLoaded_Is480()
    {
        var session = new InProcessInviteSession("x", "ghost");
        var settings = CallTestFlows.Settings with { FlowMap = new Dictionary<string, string> { ["ghost"] = "missing" } };

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(480, admission.StatusCode);
    }

    [Fact]
    public void Decide_NoOffer_Is488()
    {
        var session = new InProcessInviteSession("x", sdpOffer: null);

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(488, admission.StatusCode);
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(0, true)]
    public void Decide_OverCapacityOrDraining_Is503WithRetryAfter(int live, bool draining)
    {
        var session = new InProcessInviteSession("x");

        var admission = CallAdmission.Decide(session.Invite, SipProtocol.Udp, "x", CallTestFlows.Settings, CallTestFlows.Catalog, live, draining);

        Assert.Equal(503, admission.StatusCode);
        Assert.Contains(admission.Headers, h => h is { Name: "Retry-After", Value: "5" });
    }

    private static string SrtpOffer(string profile) =>
        "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + $"m=audio 40000 {profile} 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
        + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
}

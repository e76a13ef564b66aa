using System.Net;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class SdpNegotiatorTests
{
    private static readonly IPAddress Local = IPAddress.Parse("127.0.0.1");

    [Fact]
    public void Answer_SippUacPcap_PcmaWithTelephoneEvent101()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("sipp-uac-pcap.sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000, sessionId: 42);

        Assert.True(result.IsSuccess);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(new MediaFormat(AudioCodec.Pcma, 8, 20, 101), result.Media.Format);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6000), result.Media.RemoteEndPoint);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6001), result.Media.RemoteRtcpEndPoint);
        Assert.Equal(MediaDirection.SendRecv, result.Media.Direction);
        Assert.Equal(
            "v=0\r\no=- 42 42 IN IP4 127.0.0.1\r\ns=Ivr\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 20000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n",
            result.Answer!.ToString());
    }

    [Fact]
    public void Answer_BriefStyleOfferWithFmtp0To15_Accepted()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("sipp-uac-pcap.sdp").Replace("0-11,16", "0-15", StringComparison.Ordinal));

        Assert.Equal(101, SdpNegotiator.Answer(offer, Local, 20000).Media!.Format.DtmfPayloadType);
    }

    [Fact]
    public void Answer_TelephoneEventAt96_AnswersAt96()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("sipp-play-dtmf-pt96.sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        Assert.Equal(new MediaFormat(AudioCodec.Pcmu, 0, 20, 96), result.Media!.Format);
        var audio = result.Answer!.Media[0];
        Assert.Equal(["0", "96"], audio.Formats);
        Assert.Equal(new SdpRtpMap(96, "telephone-event", 8000), audio.GetRtpMap(96));
    }

    [Fact]
    public void Answer_Ptime30_HonouredAndFirstSupportedCodecChosen()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("ptime30.sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        // G722 is offered first but unsupported; PCMU is the first we support.
        Assert.Equal(new MediaFormat(AudioCodec.Pcmu, 0, 30, 101), result.Media!.Format);
        Assert.Equal(240, result.Media.Format.SamplesPerPacket);
        Assert.Equal(30, result.Answer!.Media[0].Ptime);
    }

    [Fact]
    public void Answer_OnlyG729_Fails488()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("g729-only.sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        Assert.False(result.IsSuccess);
        Assert.Equal(488, result.StatusCode);
        Assert.Null(result.Answer);
        Assert.Contains("18 G729/8000", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_SendonlyOffer_AnsweredRecvonly()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("sendonly.sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        Assert.Equal(MediaDirection.RecvOnly, result.Media!.Direction);
        Assert.False(result.Media.Sends);
        Assert.True(result.Media.Receives);
        Assert.Equal(MediaDirection.RecvOnly, result.Answer!.Media[0].Direction);
        Assert.Contains("a=recvonly\r\n", result.Answer.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=recvonly", MediaDirection.SendOnly)]
    [InlineData("a=inactive", MediaDirection.Inactive)]
    [InlineData("a=sendrecv", MediaDirection.SendRecv)]
    public void Answer_SessionLevelDirection_Mirrored(string attribute, MediaDirection expected)
    {
        var offer = SdpSession.Parse($"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n{attribute}\r\nm=audio 5000 RTP/AVP 0\r\n");

        Assert.Equal(expected, SdpNegotiator.Answer(offer, Local, 20000).Media!.Direction);
    }

    [Fact]
    public void Answer_PortZeroAndVideoStreams_RejectedWithPortZeroAndOrderKept()
    {
        const string text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 0 RTP/AVP 0\r\n"
            + "m=video 5002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "m=audio 5004 RTP/AVP 8\r\nc=IN IP4 10.0.0.9\r\n"
            + "m=audio 5006 RTP/AVP 0\r\n";

        var result = SdpNegotiator.Answer(SdpSession.Parse(text), Local, 20000);

        var media = result.Answer!.Media;
        Assert.Equal(4, media.Count);
        Assert.Equal([0, 0, 20000, 0], media.Select(m => m.Port));
        Assert.Equal(["audio", "video", "audio", "audio"], media.Select(m => m.Media));
        Assert.Equal(["96"], media[1].Formats);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 5004), result.Media!.RemoteEndPoint);
        Assert.Equal(AudioCodec.Pcma, result.Media.Format.Codec);
        Assert.Null(result.Media.Format.DtmfPayloadType);
    }

    [Fact]
    public void Answer_OnlyPortZeroAudio_Fails488()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n");

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        Assert.Equal(488, result.StatusCode);
        Assert.Contains("disabled", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_DynamicPcmuByRtpmapName_Accepted()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 5000 RTP/AVP 110 101\r\na=rtpmap:110 pcmu/8000\r\na=rtpmap:101 telephone-event/8000\r\n");

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        Assert.Equal(new MediaFormat(AudioCodec.Pcmu, 110, 20, 101), result.Media!.Format);
        Assert.Equal(new SdpRtpMap(110, "PCMU", 8000), result.Answer!.Media[0].GetRtpMap(110));
    }

    [Fact]
    public void Answer_SupportedRestrictedToPcma_SkipsPcmu()
    {
        var offer = SdpSession.Parse(SdpTestData.Load("ptime30.sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000, [AudioCodec.Pcma]);

        Assert.Equal(8, result.Media!.Format.PayloadType);
    }

    [Theory]
    [InlineData("m=audio 5000 RTP/SAVP 0\r\nc=IN IP4 10.0.0.1\r\n", "RTP/AVP")]
    [InlineData("m=audio 5000 RTP/AVP 0\r\n", "no usable IP address")]
    [InlineData("m=audio 5000 RTP/AVP 0\r\nc=IN IP4 pbx.example.com\r\n", "no usable IP address")]
    public void Answer_UnusableAudio_Fails488WithReason(string media, string reason)
    {
        var offer = SdpSession.Parse($"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n{media}");

        var result = SdpNegotiator.Answer(offer, Local, 20000);

        Assert.Equal(488, result.StatusCode);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_TelephoneEventWithoutDigits_NotUsedForDtmf()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 5000 RTP/AVP 0 100 101\r\na=rtpmap:100 telephone-event/8000\r\na=fmtp:100 16\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n");

        Assert.Equal(101, SdpNegotiator.Answer(offer, Local, 20000).Media!.Format.DtmfPayloadType);
    }

    [Fact]
    public void Answer_Ipv6Offer_UsesIpv6Endpoint()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n");

        var result = SdpNegotiator.Answer(offer, IPAddress.IPv6Loopback, 20000);

        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5000), result.Media!.RemoteEndPoint);
        Assert.Equal("IN IP6 ::1", result.Answer!.Connection!.ToString());
    }

    public static TheoryData<string> OfferFiles() => [.. SdpTestData.OfferNames()];

    [Theory]
    [MemberData(nameof(OfferFiles))]
    public void Answer_EveryTestOffer_IsByteForByteTheRecordedAnswer(string name)
    {
        var offer = SdpSession.Parse(SdpTestData.Load(name + ".sdp"));

        var result = SdpNegotiator.Answer(offer, Local, 20000, sessionId: 42);

        Assert.Equal(SdpTestData.RecordedAnswer(name), result.IsSuccess ? result.Answer!.ToString() : $"{result.StatusCode} {result.Reason}\r\n");
    }

    [Theory]
    [MemberData(nameof(OfferFiles))]
    public void ChooseThenWriteAnswer_EveryTestOffer_IsByteForByteTheRecordedAnswer(string name)
    {
        var offer = SdpSession.Parse(SdpTestData.Load(name + ".sdp"));

        var choice = SdpNegotiator.Choose(offer);
        var text = choice.IsSuccess
            ? SdpNegotiator.WriteAnswer(choice, Local, 20000, sessionId: 42).ToString()
            : $"{choice.StatusCode} {choice.Reason}\r\n";

        Assert.Equal(SdpTestData.RecordedAnswer(name), text);
    }

    [Fact]
    public void Choose_PicksTheFirstAcceptableStream_WithTheCallersAddressAndOurDirection()
    {
        var choice = SdpNegotiator.Choose(SdpSession.Parse(SdpTestData.Load("sendonly.sdp")));

        Assert.Equal((0, 200), (choice.StreamIndex, choice.StatusCode));
        Assert.Equal(new NegotiatedMedia(new MediaFormat(AudioCodec.Pcmu, 0, 20, 101), new IPEndPoint(IPAddress.Parse("192.0.2.20"), 4002),
            new IPEndPoint(IPAddress.Parse("192.0.2.20"), 4003), MediaDirection.RecvOnly), choice.Media);
        Assert.Equal(2, SdpNegotiator.Choose(SdpSession.Parse(SdpTestData.Load("multi-stream.sdp"))).StreamIndex);
    }

    [Fact]
    public void WriteAnswer_RejectedChoice_Throws()
    {
        var choice = SdpNegotiator.Choose(SdpSession.Parse(SdpTestData.Load("g729-only.sdp")));

        Assert.Equal((488, -1), (choice.StatusCode, choice.StreamIndex));
        Assert.Throws<ArgumentException>(() => SdpNegotiator.WriteAnswer(choice, Local, 20000));
    }

    [Fact]
    public void WriteAnswer_SameChoiceAtAnotherAddressAndPort_ChangesOnlyOriginConnectionAndPort()
    {
        var choice = SdpNegotiator.Choose(SdpSession.Parse(SdpTestData.Load("sipp-uac-pcap.sdp")));

        var answer = SdpNegotiator.WriteAnswer(choice, IPAddress.IPv6Loopback, 30000, sessionId: 42).ToString();

        var expected = SdpTestData.RecordedAnswer("sipp-uac-pcap")
            .Replace("IN IP4 127.0.0.1", "IN IP6 ::1", StringComparison.Ordinal)
            .Replace("m=audio 20000 ", "m=audio 30000 ", StringComparison.Ordinal);
        Assert.Equal(expected, answer);
    }

    [Fact]
    public void CreateOffer_Defaults_PcmuPcmaTelephoneEvent101Ptime20()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, sessionId: 7);

        Assert.Equal(
            "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=Ivr\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n",
            offer.ToString());
        Assert.Equal(offer.ToString(), SdpSession.Parse(offer.ToString()).ToString());
    }

    [Fact]
    public void ProcessAnswer_AnswerFromOurOwnNegotiator_AgreesOnPcmu()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000);
        var answered = SdpNegotiator.Answer(SdpSession.Parse(offer.ToString()), IPAddress.Parse("127.0.0.2"), 40000);

        var result = SdpNegotiator.ProcessAnswer(offer, SdpSession.Parse(answered.Answer!.ToString()));

        Assert.True(result.IsSuccess);
        Assert.Equal(new MediaFormat(AudioCodec.Pcmu, 0, 20, 101), result.Media.Format);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 40000), result.Media.RemoteEndPoint);
        Assert.Equal(MediaDirection.SendRecv, result.Media.Direction);
    }

    [Fact]
    public void ProcessAnswer_PcmaRecvonlyWithPtime30_WeSendOnlyAt30()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000);
        var answer = SdpSession.Parse("v=0\r\no=- 9 9 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
            + "m=audio 7000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:30\r\na=recvonly\r\n");

        var result = SdpNegotiator.ProcessAnswer(offer, answer);

        Assert.Equal(new MediaFormat(AudioCodec.Pcma, 8, 30, 101), result.Media!.Format);
        Assert.Equal(MediaDirection.SendOnly, result.Media.Direction);
    }

    [Fact]
    public void CreateOffer_HoldReOffer_SendonlyWithNextVersion()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, sessionId: 7, sessionVersion: 8, direction: MediaDirection.SendOnly);

        Assert.Equal("8", offer.Origin.SessionVersion);
        Assert.Equal(MediaDirection.SendOnly, offer.Media[0].Direction);
    }

    [Fact]
    public void ProcessAnswer_HoldOfferAnsweredRecvonly_WeOnlySend()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, direction: MediaDirection.SendOnly);
        var answer = SdpNegotiator.Answer(SdpSession.Parse(offer.ToString()), IPAddress.Parse("127.0.0.2"), 40000).Answer!;

        var result = SdpNegotiator.ProcessAnswer(offer, answer);

        Assert.Equal(MediaDirection.RecvOnly, answer.Media[0].Direction);
        Assert.Equal(MediaDirection.SendOnly, result.Media!.Direction);
    }

    [Fact]
    public void ProcessAnswer_AnswerSaysSendrecvToOurSendonly_StillOnlySend()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, direction: MediaDirection.SendOnly);
        var answer = SdpSession.Parse("v=0\r\no=- 9 9 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n");

        Assert.Equal(MediaDirection.SendOnly, SdpNegotiator.ProcessAnswer(offer, answer).Media!.Direction);
    }

    [Theory]
    [InlineData("m=audio 0 RTP/AVP 0\r\n", "rejected")]
    [InlineData("m=audio 7000 RTP/AVP 18\r\n", "Unusable answer")]
    [InlineData("m=audio 7000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n", "media descriptions")]
    public void ProcessAnswer_Unacceptable_Fails(string media, string reason)
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000);
        var answer = SdpSession.Parse($"v=0\r\no=- 9 9 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n{media}");

        var result = SdpNegotiator.ProcessAnswer(offer, answer);

        Assert.False(result.IsSuccess);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessAnswer_CodecWeDidNotOffer_Fails()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, codecs: [AudioCodec.Pcmu]);
        var answer = SdpSession.Parse("v=0\r\no=- 9 9 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8\r\n");

        Assert.False(SdpNegotiator.ProcessAnswer(offer, answer).IsSuccess);
    }
}

using System.Net;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>SDES (RFC 4568) offer/answer of <c>a=crypto</c> under each <see cref="SrtpPolicy"/>.</summary>
public sealed class SdpNegotiatorSrtpTests
{
    private const string Key80 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
    private const string Key32 = "d0RmdmcmVCspeEc3QGZvODgybUUkeHhbZmw5dm5A";
    private static readonly IPAddress Local = IPAddress.Loopback;

    [Fact]
    public void Choose_RequiredAndSavpOfferWithCrypto_AnswersSavpWithTheFirstLinesTagAndSuiteAndAKeyOfOurOwn()
    {
        var offer = Offer("RTP/SAVP", $"a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:{Key32}", $"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{Key80}");

        var choice = SdpNegotiator.Choose(offer, srtp: SrtpPolicy.Required);
        var answer = SdpNegotiator.WriteAnswer(choice, Local, 20000);

        Assert.True(choice.IsSuccess, choice.Reason);
        var srtp = choice.Media.Srtp!;
        Assert.Equal((1, SrtpSuite.AesCm128HmacSha1_32), (srtp.Tag, srtp.Suite));
        Assert.Equal(Convert.FromBase64String(Key32), srtp.ReceiveKey.ToArray());
        Assert.Equal(30, srtp.SendKey.Length);
        Assert.NotEqual(srtp.ReceiveKey.ToArray(), srtp.SendKey.ToArray());
        var audio = answer.Media[0];
        Assert.Equal("RTP/SAVP", audio.Protocol);
        var line = Assert.Single(SdpCrypto.From(audio));
        Assert.Equal($"crypto:1 AES_CM_128_HMAC_SHA1_32 inline:{Convert.ToBase64String(srtp.SendKey.Span)}", line.ToString());
        Assert.DoesNotContain(Convert.ToBase64String(srtp.SendKey.Span), srtp.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_RequiredAndPlainOffer_Refused488SayingSrtpIsRequired()
    {
        var choice = SdpNegotiator.Choose(Offer("RTP/AVP"), srtp: SrtpPolicy.Required);

        Assert.False(choice.IsSuccess);
        Assert.Equal(488, choice.StatusCode);
        Assert.Contains("SRTP required but no a=crypto", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_OptionalAndPlainOffer_AnswersPlainRtp()
    {
        var choice = SdpNegotiator.Choose(Offer("RTP/AVP"), srtp: SrtpPolicy.Optional);
        var answer = SdpNegotiator.WriteAnswer(choice, Local, 20000);

        Assert.True(choice.IsSuccess, choice.Reason);
        Assert.Null(choice.Media.Srtp);
        Assert.Equal("RTP/AVP", answer.Media[0].Protocol);
        Assert.Empty(SdpCrypto.From(answer.Media[0]));
    }

    [Fact]
    public void Choose_OptionalAndAvpOfferWithCrypto_AnswersAvpWithCrypto()
    {
        var choice = SdpNegotiator.Choose(Offer("RTP/AVP", $"a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:{Key80}"), srtp: SrtpPolicy.Optional);
        var answer = SdpNegotiator.WriteAnswer(choice, Local, 20000);

        Assert.Equal(7, choice.Media!.Srtp!.Tag);
        Assert.Equal("RTP/AVP", answer.Media[0].Protocol);
        Assert.Equal(7, Assert.Single(SdpCrypto.From(answer.Media[0])).Tag);
    }

    [Fact]
    public void Choose_Off_RefusesSavpAndIgnoresCryptoInAnAvpOffer()
    {
        var savp = SdpNegotiator.Choose(Offer("RTP/SAVP", $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Key80}"));
        var avp = SdpNegotiator.Choose(Offer("RTP/AVP", $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Key80}"));

        Assert.Equal(488, savp.StatusCode);
        Assert.Contains("only RTP/AVP is supported", savp.Reason, StringComparison.Ordinal);
        Assert.Null(avp.Media!.Srtp);
        Assert.Empty(SdpCrypto.From(SdpNegotiator.WriteAnswer(avp, Local, 20000).Media[0]));
    }

    [Fact]
    public void Choose_LinesWithMkiUnknownSuiteOrSessionParameters_ArePassedOverForAUsableOneWithItsLifetime()
    {
        var offer = Offer(
            "RTP/SAVP",
            $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Key80}|2^20|1:4",
            $"a=crypto:2 F8_128_HMAC_SHA1_80 inline:{Key80}",
            $"a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:{Key80} UNENCRYPTED_SRTP",
            "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:garbage",
            $"a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:{Key80}|2^20");

        var choice = SdpNegotiator.Choose(offer, srtp: SrtpPolicy.Required);

        Assert.True(choice.IsSuccess, choice.Reason);
        Assert.Equal(4, choice.Media.Srtp!.Tag);
        Assert.Equal(1UL << 20, choice.Media.Srtp.ReceiveLifetime);
    }

    [Fact]
    public void Choose_OnlyUnusableLines_RefusedSayingWhyForEach()
    {
        var offer = Offer(
            "RTP/SAVP",
            $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Key80}|2^20|1:4",
            "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=",
            $"a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:{Key80}",
            $"a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:{Key80}|2^50");

        var choice = SdpNegotiator.Choose(offer, srtp: SrtpPolicy.Optional);

        Assert.Equal(488, choice.StatusCode);
        Assert.Contains("crypto 1: MKI is not supported", choice.Reason, StringComparison.Ordinal);
        Assert.Contains("crypto 2: the inline key is not 30 bytes", choice.Reason, StringComparison.Ordinal);
        Assert.Contains("crypto 3: suite AES_256_CM_HMAC_SHA1_80 is not supported", choice.Reason, StringComparison.Ordinal);
        Assert.Contains("crypto 4: lifetime '2^50' is not supported", choice.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SrtpPolicy.Required, "RTP/SAVP")]
    [InlineData(SrtpPolicy.Optional, "RTP/AVP")]
    public void CreateOffer_ThenAnswer_BothSidesHoldMirroredKeys(SrtpPolicy policy, string profile)
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, srtp: policy);
        var lines = SdpCrypto.From(offer.Media[0]);

        var choice = SdpNegotiator.Choose(SdpSession.Parse(offer.ToString()), srtp: SrtpPolicy.Optional);
        var answer = SdpNegotiator.WriteAnswer(choice, Local, 20000);
        var result = SdpNegotiator.ProcessAnswer(offer, SdpSession.Parse(answer.ToString()));

        Assert.Equal(profile, offer.Media[0].Protocol);
        Assert.Equal(["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"], lines.Select(l => l.Suite));
        Assert.True(result.IsSuccess, result.Reason);
        var ours = result.Media.Srtp!;
        var theirs = choice.Media!.Srtp!;
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_80, ours.Suite);
        Assert.Equal(theirs.ReceiveKey.ToArray(), ours.SendKey.ToArray());
        Assert.Equal(theirs.SendKey.ToArray(), ours.ReceiveKey.ToArray());
    }

    [Fact]
    public void ProcessAnswer_SavpOfferAnsweredWithoutCrypto_Fails_AnOptionalOneAnsweredPlain_IsPlainRtp()
    {
        var required = SdpNegotiator.CreateOffer(Local, 30000, srtp: SrtpPolicy.Required);
        var optional = SdpNegotiator.CreateOffer(Local, 30000, srtp: SrtpPolicy.Optional);
        var plainAnswer = SdpNegotiator.Answer(Offer("RTP/AVP"), Local, 20000).Answer!;
        var savpAnswer = SdpSession.Parse(plainAnswer.ToString().Replace("RTP/AVP", "RTP/SAVP", StringComparison.Ordinal));

        var refused = SdpNegotiator.ProcessAnswer(required, savpAnswer);
        var plain = SdpNegotiator.ProcessAnswer(optional, plainAnswer);

        Assert.False(refused.IsSuccess);
        Assert.Contains("no a=crypto", refused.Reason, StringComparison.Ordinal);
        Assert.True(plain.IsSuccess, plain.Reason);
        Assert.Null(plain.Media.Srtp);
    }

    [Fact]
    public void ProcessAnswer_CryptoWithATagWeNeverOffered_Fails()
    {
        var offer = SdpNegotiator.CreateOffer(Local, 30000, srtp: SrtpPolicy.Required);
        var answer = SdpSession.Parse(
            SdpNegotiator.Answer(Offer("RTP/AVP"), Local, 20000).Answer!.ToString().Replace("RTP/AVP", "RTP/SAVP", StringComparison.Ordinal)
            + $"a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:{Key80}\r\n");

        var result = SdpNegotiator.ProcessAnswer(offer, answer);

        Assert.False(result.IsSuccess);
        Assert.Contains("matches an offered tag", result.Reason, StringComparison.Ordinal);
    }

    private static SdpSession Offer(string profile, params string[] crypto) =>
        SdpSession.Parse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + $"m=audio 30000 {profile} 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
            + string.Concat(crypto.Select(c => c + "\r\n"))
            + "a=sendrecv\r\n");
}

using System.Net;
using FsCheck.Xunit;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public class SdpSessionTests
{
    [Fact]
    public void Parse_SippUacPcapOffer_ReadsEveryLine()
    {
        var sdp = SdpSession.Parse(SdpTestData.Load("sipp-uac-pcap.sdp"));

        Assert.Equal(new SdpOrigin("user1", "53655765", "2353687637", "IN", "IP4", "127.0.0.1"), sdp.Origin);
        Assert.Equal("-", sdp.SessionName);
        Assert.Equal(new SdpConnection("IN", "IP4", "127.0.0.1"), sdp.Connection);
        Assert.Equal("0 0", sdp.Timing);
        var audio = Assert.Single(sdp.Media);
        Assert.Equal("audio", audio.Media);
        Assert.Equal(6000, audio.Port);
        Assert.Equal("RTP/AVP", audio.Protocol);
        Assert.Equal([8, 101], audio.PayloadTypes);
        Assert.Equal(new SdpRtpMap(8, "PCMA", 8000), audio.GetRtpMap(8));
        Assert.Equal(new SdpRtpMap(101, "telephone-event", 8000), audio.GetRtpMap(101));
        Assert.Equal("0-11,16", audio.GetFormatParameters(101));
        Assert.Null(audio.Ptime);
        Assert.Null(audio.Direction);
    }

    [Fact]
    public void Parse_LfOnlyLineEnds_Accepted()
    {
        var text = SdpTestData.Load("sipp-uac-pcap.sdp").Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Equal(6000, SdpSession.Parse(text).Media[0].Port);
    }

    [Fact]
    public void Parse_StaticPayloadWithoutRtpmap_UsesRfc3551Table()
    {
        var sdp = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 18\r\n");

        Assert.Equal(new SdpRtpMap(0, "PCMU", 8000), sdp.Media[0].GetRtpMap(0));
        Assert.Equal("G729", sdp.Media[0].GetRtpMap(18)!.EncodingName);
        Assert.Null(sdp.Media[0].GetRtpMap(97));
    }

    [Fact]
    public void Parse_AttributesAndUnknownLines_KeptAndRoundTripped()
    {
        var sdp = SdpSession.Parse(SdpTestData.Load("ptime30.sdp"));
        var audio = sdp.Media[0];

        Assert.Equal(30, audio.Ptime);
        Assert.Equal(MediaDirection.SendRecv, audio.Direction);
        Assert.Contains(new SdpLine('b', "AS:64"), audio.OtherLines);
        Assert.Contains(new SdpLine('a', "rtcp-rsize"), audio.OtherLines);
        Assert.Contains(new SdpLine('a', "label:1"), audio.OtherLines);

        var again = SdpSession.Parse(sdp.ToString());
        Assert.Equal(sdp.ToString(), again.ToString());
        Assert.Equal(audio.Ptime, again.Media[0].Ptime);
        Assert.Equal(audio.OtherLines, again.Media[0].OtherLines);
    }

    [Fact]
    public void Parse_MediaLevelConnectionRtcpAndSessionDirection()
    {
        const string text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\na=sendonly\r\nm=audio 5000/2 RTP/AVP 0\r\n"
            + "c=IN IP4 10.0.0.2/127\r\na=rtcp:5005 IN IP4 10.0.0.3\r\na=maxptime:40\r\na=ptime:20.0\r\n";

        var sdp = SdpSession.Parse(text);

        Assert.Null(sdp.Connection);
        Assert.Equal(MediaDirection.SendOnly, sdp.Direction);
        var audio = sdp.Media[0];
        Assert.Equal(2, audio.PortCount);
        Assert.Equal("10.0.0.2", audio.Connection!.Address);
        Assert.Equal(new SdpRtcp(5005, new SdpConnection("IN", "IP4", "10.0.0.3")), audio.Rtcp);
        Assert.Equal(40, audio.MaxPtime);
        Assert.Equal(20, audio.Ptime);
    }

    [Fact]
    public void ToString_SerialisesInRfc4566OrderWithCrlf()
    {
        var sdp = SdpSession.Parse(SdpTestData.Load("sipp-uac-pcap.sdp"));

        Assert.Equal(SdpTestData.Load("sipp-uac-pcap.sdp"), sdp.ToString());
    }

    [Fact]
    public void Parse_NonRtpMediaStream_KeepsFormatsAsText()
    {
        var sdp = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 TCP/BFCP *\r\n");

        Assert.False(sdp.Media[0].IsRtp);
        Assert.Equal(["*"], sdp.Media[0].Formats);
        Assert.Empty(sdp.Media[0].PayloadTypes);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello world", "Line 1")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n", "start with 'v='")]
    [InlineData("v=1\r\n", "version")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\n", "Missing 'o='")]
    [InlineData("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n", "6 fields")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n", "Missing 's='")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4\r\n", "Malformed 'c=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=now\r\n", "Malformed 't=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 5000 RTP/AVP\r\n", "at least one format")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 70000 RTP/AVP 0\r\n", "port")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 5000 RTP/AVP PCMU\r\n", "not an RTP payload type")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:x PCMU/8000\r\n", "rtpmap")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "session-level")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nX=1\r\n", "Line 4")]
    public void TryParse_Garbage_RejectedWithReason(string text, string reason)
    {
        Assert.False(SdpSession.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<FormatException>(() => SdpSession.Parse(text));
    }

    [Property(MaxTest = 500)]
    public void TryParse_MutatedSippOffer_NeverThrowsAndAnswersOrRejects(int position, char replacement, bool delete)
    {
        var text = SdpTestData.Load("sipp-uac-pcap.sdp");
        var at = (int)((uint)position % text.Length);
        var mutated = delete ? text.Remove(at, 1) : text[..at] + replacement + text[(at + 1)..];

        if (SdpSession.TryParse(mutated, out var sdp, out _))
        {
            var result = SdpNegotiator.Answer(sdp, IPAddress.Loopback, 20000);
            Assert.True(result.IsSuccess || result.StatusCode == 488);
            Assert.True(SdpSession.TryParse(sdp.ToString(), out _, out var error), error);
        }
    }

    [Property]
    public void TryParse_ArbitraryText_NeverThrows(string text) =>
        SdpSession.TryParse(text, out _, out _);
}

using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipViaTests
{
    [Fact]
    public void TryParse_TypicalVia_ExposesFields()
    {
        var via = SipVia.Parse("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067;maddr=239.255.255.1;ttl=16");
        Assert.Equal(("SIP", "2.0", "UDP", "pc33.atlanta.com", 5066), (via.ProtocolName, via.ProtocolVersion, via.Transport, via.Host, via.Port));
        Assert.Equal("z9hG4bK776asdhds", via.Branch);
        Assert.True(via.HasRfc3261Branch);
        Assert.Equal("192.0.2.1", via.Received);
        Assert.True(via.HasRport);
        Assert.Equal(5067, via.Rport);
        Assert.Equal("239.255.255.1", via.Maddr);
        Assert.Equal("16", via.Parameters.Get("ttl"));
    }

    [Fact]
    public void TryParse_WhitespaceAroundSeparators_IsAllowed()
    {
        var via = SipVia.Parse("SIP  /  2.0  / tcp   spindle.example.com : 5070  ;  branch  =  z9hG4bK9ikj8 ; rport");
        Assert.Equal(("TCP", "spindle.example.com", 5070, "z9hG4bK9ikj8"), (via.Transport, via.Host, via.Port, via.Branch));
        Assert.True(via.HasRport);
        Assert.Null(via.Rport);
    }

    [Fact]
    public void TryParse_Ipv6SentBy_IsRead()
    {
        var via = SipVia.Parse("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3;received=[2001:db8::9:255]");
        Assert.Equal(("[2001:db8::9:1]", 5060), (via.Host, via.Port));
        Assert.Equal("[2001:db8::9:255]", via.Received);
    }

    [Fact]
    public void TryParse_Rfc2543Via_HasNoBranch()
    {
        var via = SipVia.Parse("SIP/2.0/UDP iftgw.example.com");
        Assert.Null(via.Branch);
        Assert.False(via.HasRfc3261Branch);
    }

    [Theory]
    [InlineData("")]
    [InlineData("SIP/2.0/UDP")]
    [InlineData("SIP/2.0 host.example.com")]
    [InlineData("SIP/2.0/UDPhost.example.com")]
    [InlineData("SIP/2.0/UDP host.example.com;;branch=z9hG4bK1")]
    [InlineData("SIP/2.0/UDP host.example.com;branch")]
    [InlineData("SIP/2.0/UDP host.example.com:70000")]
    [InlineData("SIP/2.0/UDP host.example.com;received=not-an-ip")]
    [InlineData("SIP/2.0/UDP host.example.com;rport=abc")]
    [InlineData("SIP/2.0/UDP host.example.com;ttl=300")]
    [InlineData("SIP/2.0/UDP 192.0.2.15;;")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(SipVia.TryParse(text, out _));
    }

    [Fact]
    public void Create_WithRport_FormatsCanonically()
    {
        var via = SipVia.Create("udp", "192.0.2.1", 5060, "z9hG4bKabc", rport: true);
        Assert.Equal("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport", via.ToString());
        Assert.Equal("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport=40000;received=198.51.100.7",
            via.WithParameter("rport", "40000").WithParameter("received", "198.51.100.7").ToString());
    }
}

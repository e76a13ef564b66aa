using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipUriTests
{
    // RFC 3261 §19.1.4: equivalent pairs.
    [Theory]
    [InlineData("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com;security=on")]
    [InlineData("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on")]
    [InlineData("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com")]
    [InlineData("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x")]
    public void EqualsRfc_Rfc3261EquivalentExamples_AreEqual(string a, string b)
    {
        Assert.True(SipUri.Parse(a).EqualsRfc(SipUri.Parse(b)));
        Assert.True(SipUri.Parse(b).EqualsRfc(SipUri.Parse(a)));
    }

    // RFC 3261 §19.1.4: non-equivalent pairs.
    [Theory]
    [InlineData("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting")]
    [InlineData("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4")]
    [InlineData("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off")]
    [InlineData("sip:alice@atlanta.com", "sips:alice@atlanta.com")]
    public void EqualsRfc_Rfc3261NonEquivalentExamples_AreNotEqual(string a, string b)
    {
        Assert.False(SipUri.Parse(a).EqualsRfc(SipUri.Parse(b)));
        Assert.False(SipUri.Parse(b).EqualsRfc(SipUri.Parse(a)));
    }

    [Theory]
    [InlineData("sip:alice@atlanta.com")]
    [InlineData("sips:alice:secretword@atlanta.com;transport=tcp")]
    [InlineData("sip:+1-212-555-1212:1234@gateway.com;user=phone")]
    [InlineData("sip:alice@192.0.2.4:5070")]
    [InlineData("sip:[2001:db8::10]:5060;transport=udp")]
    [InlineData("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com")]
    [InlineData("sip:alice;day=tuesday@atlanta.com")]
    [InlineData("tel:+1-201-555-0123;phone-context=example.com")]
    [InlineData("urn:service:sos")]
    public void ToString_ParsedUri_RoundTrips(string text)
    {
        var uri = SipUri.Parse(text);
        Assert.Equal(text, uri.ToString());
        Assert.True(SipUri.Parse(uri.ToString()).EqualsRfc(uri));
    }

    [Fact]
    public void TryParse_FullSipUri_ExposesComponents()
    {
        var uri = SipUri.Parse("sips:alice:pw@[2001:db8::1]:5061;transport=tls;lr?subject=hi");
        Assert.Equal(("sips", "alice", "pw", "[2001:db8::1]", 5061), (uri.Scheme, uri.User, uri.Password, uri.Host, uri.Port));
        Assert.Equal("tls", uri.Transport);
        Assert.True(uri.Parameters.Contains("lr"));
        Assert.Equal("hi", uri.Headers.Get("subject"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice@atlanta.com")]
    [InlineData("sip:")]
    [InlineData("sip:alice@")]
    [InlineData("sip:alice@atl anta.com")]
    [InlineData("sip:alice@atlanta.com:99999")]
    [InlineData("sip:alice@atlanta.com;;lr")]
    [InlineData("sip:al%4ice@atlanta.com")]
    [InlineData("sip:alice@[::1")]
    [InlineData("sip:alice@256.1.1.1")]
    [InlineData("sip:<alice@atlanta.com>")]
    [InlineData("1sip:alice@atlanta.com")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(SipUri.TryParse(text, out _));
    }

    [Fact]
    public void WithParameter_AddsParameter()
    {
        var uri = SipUri.Parse("sip:alice@atlanta.com").WithParameter("lr", null);
        Assert.Equal("sip:alice@atlanta.com;lr", uri.ToString());
    }

    [Theory]
    [InlineData("sip:%FF@example.com", "sip:%FE@example.com", false)]
    [InlineData("sip:%41@example.com", "sip:A@example.com", true)]
    [InlineData("sip:a@example.com;p=%41", "sip:a@example.com;P=a", true)]
    public void EqualsRfc_ComparesUnescapedOctets(string a, string b, bool equal)
    {
        Assert.Equal(equal, SipUri.Parse(a).EqualsRfc(SipUri.Parse(b)));
    }

    [Fact]
    public void EqualsRfc_EscapedUtf8_EqualsLiteralCharacter()
    {
        var literal = new SipUri("sip", "\u00e9", "example.com");
        Assert.True(SipUri.Parse("sip:%C3%A9@example.com").EqualsRfc(literal));
    }
}

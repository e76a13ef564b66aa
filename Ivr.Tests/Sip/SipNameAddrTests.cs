using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipNameAddrTests
{
    [Theory]
    [InlineData("\"Bob\" <sip:bob@biloxi.com>;tag=a6c85cf", "Bob", "sip:bob@biloxi.com", "a6c85cf")]
    [InlineData("Bob Smith <sip:bob@biloxi.com>;tag=1", "Bob Smith", "sip:bob@biloxi.com", "1")]
    [InlineData("<sip:bob@biloxi.com>", null, "sip:bob@biloxi.com", null)]
    [InlineData("sip:bob@biloxi.com;tag=x", null, "sip:bob@biloxi.com", "x")]
    [InlineData("\"A \\\"quoted\\\" name\" <sip:a@b.example.com>", "A \"quoted\" name", "sip:a@b.example.com", null)]
    [InlineData("<sip:bob@biloxi.com;transport=tcp>;tag=t", null, "sip:bob@biloxi.com;transport=tcp", "t")]
    public void TryParse_Forms_AreRead(string text, string? display, string uri, string? tag)
    {
        var na = SipNameAddr.Parse(text);
        Assert.Equal((display, uri, tag), (na.DisplayName, na.Uri.ToString(), na.Tag));
    }

    [Theory]
    [InlineData("\"Unterminated <sip:a@b.example.com>")]
    [InlineData("Bell, Alexander <sip:a.g.bell@example.com>")]
    [InlineData("< sip:t.watson@example.org >")]
    [InlineData("sip:user@example.com?Route=%3Csip:sip.example.com%3E")]
    [InlineData("<sip:a@b.example.com>;;tag=1")]
    [InlineData("<sip:a@b.example.com")]
    [InlineData("")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(SipNameAddr.TryParse(text, out _));
    }

    [Fact]
    public void WithTag_ToString_RoundTrips()
    {
        var na = SipNameAddr.Parse("\"Q \\\\ R\" <sip:q@r.example.com>").WithTag("abc");
        Assert.Equal("\"Q \\\\ R\" <sip:q@r.example.com>;tag=abc", na.ToString());
        var again = SipNameAddr.Parse(na.ToString());
        Assert.Equal(("Q \\ R", "abc"), (again.DisplayName, again.Tag));
    }
}

using Ivr.Engine.Sip.Auth;

namespace Ivr.Tests.Sip.Auth;

public class DigestTests
{
    // RFC 7616 §3.9.1: user "Mufasa", password "Circle of Life" (errata 4495), GET /dir/index.html.
    private const string Realm = "http-auth@example.org";
    private const string Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    [Theory]
    [InlineData(DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData(DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Response_Rfc7616Example_MatchesTheRfc(DigestAlgorithm algorithm, string expected)
    {
        var ha1 = Digest.Ha1(algorithm, "Mufasa", Realm, "Circle of Life");

        var response = Digest.Response(algorithm, ha1, Nonce, "00000001", Cnonce, "auth", "GET", "/dir/index.html");

        Assert.Equal(expected, response);
    }

    [Fact]
    public void Parse_Rfc7616ExampleAuthorization_ReadsEveryParameter()
    {
        const string header = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", algorithm=SHA-256, " +
                              "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", " +
                              "qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

        Assert.True(DigestCredentials.TryParse(header, out var c, out var error), error);

        Assert.Equal("Mufasa", c.Username);
        Assert.Equal(Realm, c.Realm);
        Assert.Equal("/dir/index.html", c.Uri);
        Assert.Equal("SHA-256", c.Algorithm);
        Assert.Equal(Nonce, c.Nonce);
        Assert.Equal("00000001", c.NonceCount);
        Assert.Equal(Cnonce, c.Cnonce);
        Assert.Equal("auth", c.Qop);
        Assert.Equal("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", c.Response);
        Assert.Equal("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", c.Opaque);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "not Digest")]
    [InlineData("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"", "required")]
    [InlineData("Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"1\"", "twice")]
    [InlineData("Digest username=\"a, realm=\"r\"", "")]
    [InlineData("Digest username", "no value")]
    public void Parse_BrokenCredentials_FailsWithAReason(string header, string reason)
    {
        Assert.False(DigestCredentials.TryParse(header, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void FixedTimeEquals_ComparesHexIgnoringCase_AndRejectsAnyDifference()
    {
        Assert.True(Digest.FixedTimeEquals("8ca523f5e9506fed4657c9700eebdbec", "8CA523F5E9506FED4657C9700EEBDBEC"));
        Assert.False(Digest.FixedTimeEquals("8ca523f5e9506fed4657c9700eebdbec", "8ca523f5e9506fed4657c9700eebdbed"));
        Assert.False(Digest.FixedTimeEquals("8ca523f5e9506fed4657c9700eebdbec", "8ca523f5"));
    }

    [Theory]
    [InlineData(null, DigestAlgorithm.Md5)]
    [InlineData("md5", DigestAlgorithm.Md5)]
    [InlineData("SHA-256", DigestAlgorithm.Sha256)]
    public void TryParseAlgorithm_KnownTokens(string? token, DigestAlgorithm expected)
    {
        Assert.True(Digest.TryParseAlgorithm(token, out var algorithm));
        Assert.Equal(expected, algorithm);
    }

    [Theory]
    [InlineData("SHA-512-256")]
    [InlineData("MD5-sess")]
    public void TryParseAlgorithm_UnsupportedTokens_False(string token) => Assert.False(Digest.TryParseAlgorithm(token, out _));
}

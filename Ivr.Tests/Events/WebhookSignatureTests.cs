using System.Security.Cryptography;
using System.Text;
using Ivr.Engine.Events;

namespace Ivr.Tests.Events;

public class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_IsTheHmacOfTheTimestampADotAndTheRawBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"c1/1\",\"data\":{\"from\":\"+33 é\"}}");
        var seconds = Now.ToUnixTimeSeconds();

        var signature = WebhookSignature.Sign("k", seconds, body);

        // Computed independently, as a receiver would: HMAC-SHA256(secret, "<seconds>." + body), lowercase hex.
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("k"), Encoding.ASCII.GetBytes(seconds + ".").Concat(body).ToArray()));
        Assert.Equal("sha256=" + expected, signature);
    }

    [Fact]
    public void Verify_RejectsAnotherBodyAnotherSecretAStaleTimestampAndGarbage()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"c1/1\"}");
        var seconds = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign("k", seconds, body);
        var stamp = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(WebhookSignature.Verify("k", stamp, signature, body, Now.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", stamp, signature, Encoding.UTF8.GetBytes("{\"id\":\"c1/2\"}"), Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("other", stamp, signature, body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", stamp, signature, body, Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", "12x", signature, body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", stamp, null, body, Now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("253402300800")]
    [InlineData("9223372036854775807")]
    [InlineData("99999999999999")]
    public void Verify_ATimestampBeyondYear9999_IsFalseNotAnException(string stamp)
    {
        var body = Encoding.UTF8.GetBytes("{}");

        Assert.False(WebhookSignature.Verify("k", stamp, "sha256=00", body, Now, TimeSpan.FromMinutes(5)));
    }
}

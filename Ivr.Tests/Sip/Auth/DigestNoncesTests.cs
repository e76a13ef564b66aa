using Ivr.Engine.Sip.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Auth;

public class DigestNoncesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private DigestNonces Nonces(string realm = "ivr", byte[]? key = null) => new(realm, TimeSpan.FromMinutes(5), _time, key ?? new byte[32]);

    [Fact]
    public void Check_FreshNonce_IsValid_AndEachIssueIsDifferent()
    {
        var nonces = Nonces();
        var a = nonces.Issue();
        var b = nonces.Issue();

        Assert.NotEqual(a, b);
        Assert.Equal(NonceCheck.Valid, nonces.Check(a));
        Assert.Matches("^[A-Za-z0-9_-]{48}$", a);
    }

    [Fact]
    public void Check_AfterLifetime_IsStale()
    {
        var nonces = Nonces();
        var nonce = nonces.Issue();

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(NonceCheck.Valid, nonces.Check(nonce));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(NonceCheck.Stale, nonces.Check(nonce));
    }

    [Fact]
    public void Check_TamperedOrForeignNonce_IsInvalid()
    {
        var nonces = Nonces();
        var nonce = nonces.Issue();
        var flipped = (nonce[5] == 'A' ? 'B' : 'A') + "";

        Assert.Equal(NonceCheck.Invalid, nonces.Check(nonce[..5] + flipped + nonce[6..]));
        Assert.Equal(NonceCheck.Invalid, nonces.Check(nonce[..^1]));
        Assert.Equal(NonceCheck.Invalid, nonces.Check("not a nonce"));
        Assert.Equal(NonceCheck.Invalid, Nonces(realm: "other").Check(nonce));
        Assert.Equal(NonceCheck.Invalid, Nonces(key: Enumerable.Repeat((byte)7, 32).ToArray()).Check(nonce));
    }

    [Fact]
    public void TryUseCount_MustGrowPerNonce()
    {
        var nonces = Nonces();
        var a = nonces.Issue();
        var b = nonces.Issue();

        Assert.True(nonces.TryUseCount(a, "00000001"));
        Assert.False(nonces.TryUseCount(a, "00000001"));
        Assert.True(nonces.TryUseCount(b, "00000001"));
        Assert.True(nonces.TryUseCount(a, "00000002"));
        Assert.False(nonces.TryUseCount(a, "00000002"));
        Assert.False(nonces.TryUseCount(a, "00000001"));
        Assert.True(nonces.TryUseCount(a, "0000000a"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0000000g")]
    [InlineData("00000000")]
    [InlineData("000000001")]
    public void TryUseCount_MalformedCount_False(string nc) => Assert.False(Nonces().TryUseCount("n", nc));

    [Fact]
    public void TryUseCount_ForgetsNoncesAfterTheyExpire_SoMemoryStaysBounded()
    {
        var nonces = Nonces();
        for (var i = 0; i < 100; i++) Assert.True(nonces.TryUseCount(nonces.Issue(), "00000001"));
        Assert.Equal(100, nonces.Tracked);

        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.True(nonces.TryUseCount(nonces.Issue(), "00000001"));

        Assert.Equal(1, nonces.Tracked);
    }
}

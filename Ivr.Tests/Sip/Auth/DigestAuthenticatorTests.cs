using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Registrar;
using Ivr.Tests.Sip.Registrar;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Auth;

public class DigestAuthenticatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly DigestAuthenticator _auth;

    public DigestAuthenticatorTests()
    {
        var credentials = new AgentSipCredentials();
        Assert.Empty(credentials.Replace([
            new AgentSipAccount("agent1", User: "alice", Password: "s3cret"),
            new AgentSipAccount("agent2", User: "bob", Ha1Md5: Digest.Ha1(DigestAlgorithm.Md5, "bob", "ivr", "hunter2")),
            new AgentSipAccount("agent3", User: "carol", Ha1Sha256: Digest.Ha1(DigestAlgorithm.Sha256, "carol", "ivr", "pw")),
        ]));
        _auth = new DigestAuthenticator("ivr", new DigestNonces("ivr", TimeSpan.FromMinutes(5), _time), credentials);
    }

    [Fact]
    public void Challenges_OfferSha256First_ThenMd5_WithQopAuth()
    {
        var challenges = _auth.Challenges("alice", stale: false);

        Assert.Equal(2, challenges.Count);
        Assert.Equal("SHA-256", TestDigestClient.Param(challenges[0], "algorithm"));
        Assert.Equal("MD5", TestDigestClient.Param(challenges[1], "algorithm"));
        Assert.All(challenges, c => Assert.Equal("auth", TestDigestClient.Param(c, "qop")));
        Assert.All(challenges, c => Assert.Equal("ivr", TestDigestClient.Param(c, "realm")));
        Assert.All(challenges, c => Assert.Null(TestDigestClient.Param(c, "stale")));
    }

    [Theory]
    [InlineData("bob", "MD5")]
    [InlineData("carol", "SHA-256")]
    public void Challenges_UserWithOneHa1_OnlyOffersThatAlgorithm(string user, string algorithm)
    {
        var challenges = _auth.Challenges(user, stale: false);

        Assert.Equal(algorithm, TestDigestClient.Param(Assert.Single(challenges), "algorithm"));
    }

    [Fact]
    public void Challenges_UnknownUser_OfferTheSetOfSomeKnownUser_SoNothingIsRevealed()
    {
        string Set(IReadOnlyList<string> challenges) => string.Join(",", challenges.Select(c => TestDigestClient.Param(c, "algorithm")));
        var known = new[] { "alice", "bob", "carol" }.Select(u => Set(_auth.Challenges(u, stale: false))).ToArray();

        Assert.Contains(Set(_auth.Challenges("mallory", stale: false)), known);
        Assert.Equal(Set(_auth.Challenges("mallory", stale: false)), Set(_auth.Challenges("mallory", stale: true)));
        Assert.All(_auth.Challenges("mallory", stale: true), c => Assert.Equal("true", TestDigestClient.Param(c, "stale")));
    }

    [Theory]
    [InlineData("alice", "s3cret", 0)]
    [InlineData("alice", "s3cret", 1)]
    [InlineData("bob", "hunter2", 0)]
    [InlineData("carol", "pw", 0)]
    public void Verify_RightPassword_Authenticates(string user, string password, int challengeIndex)
    {
        var challenge = _auth.Challenges(user, stale: false)[challengeIndex];

        var verdict = _auth.Verify(Register(user, TestDigestClient.Authorization(challenge, user, password, "REGISTER", RegisterRequests.RequestUri)));

        Assert.Equal(DigestOutcome.Authenticated, verdict.Outcome);
        Assert.Equal(user, verdict.Credential!.User);
    }

    [Fact]
    public void Verify_WrongPassword_AndUnknownUser_AreRejectedAlike()
    {
        var challenge = _auth.Challenges("alice", stale: false)[0];

        var wrong = _auth.Verify(Register("alice", TestDigestClient.Authorization(challenge, "alice", "guess", "REGISTER", RegisterRequests.RequestUri)));
        var unknown = _auth.Verify(Register("mallory", TestDigestClient.Authorization(challenge, "mallory", "guess", "REGISTER", RegisterRequests.RequestUri)));

        Assert.Equal(DigestOutcome.Rejected, wrong.Outcome);
        Assert.Equal(DigestOutcome.Rejected, unknown.Outcome);
        Assert.Null(wrong.Credential);
    }

    [Fact]
    public void Verify_ExpiredNonceWithRightPassword_IsStale()
    {
        var challenge = _auth.Challenges("alice", stale: false)[0];
        _time.Advance(TimeSpan.FromMinutes(6));

        var verdict = _auth.Verify(Register("alice", TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri)));

        Assert.Equal(DigestOutcome.Stale, verdict.Outcome);
    }

    [Fact]
    public void Verify_ExpiredNonceWithWrongPassword_IsRejectedNotStale()
    {
        var challenge = _auth.Challenges("alice", stale: false)[0];
        _time.Advance(TimeSpan.FromMinutes(6));

        var verdict = _auth.Verify(Register("alice", TestDigestClient.Authorization(challenge, "alice", "guess", "REGISTER", RegisterRequests.RequestUri)));

        Assert.Equal(DigestOutcome.Rejected, verdict.Outcome);
    }

    [Fact]
    public void Verify_ReplayedNonceCount_IsUnusable_AndAHigherCountPasses()
    {
        var challenge = _auth.Challenges("alice", stale: false)[0];
        var first = TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, nc: 1);

        Assert.Equal(DigestOutcome.Authenticated, _auth.Verify(Register("alice", first)).Outcome);
        Assert.Equal(DigestOutcome.Unusable, _auth.Verify(Register("alice", first)).Outcome);
        var second = TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, nc: 2);
        Assert.Equal(DigestOutcome.Authenticated, _auth.Verify(Register("alice", second)).Outcome);
    }

    [Fact]
    public void Verify_ForgedNonce_IsUnusable()
    {
        var forged = "Digest realm=\"ivr\", nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", algorithm=MD5, qop=\"auth\"";

        var verdict = _auth.Verify(Register("alice", TestDigestClient.Authorization(forged, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri)));

        Assert.Equal(DigestOutcome.Unusable, verdict.Outcome);
    }

    [Fact]
    public void Verify_UriOtherThanTheRequestUri_IsMalformed()
    {
        var challenge = _auth.Challenges("alice", stale: false)[0];

        var verdict = _auth.Verify(Register("alice", TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", "sip:elsewhere.example.com")));

        Assert.Equal(DigestOutcome.Malformed, verdict.Outcome);
    }

    [Fact]
    public void Verify_NoQop_IsUnusable()
    {
        var challenge = _auth.Challenges("alice", stale: false)[1];
        var withoutQop = TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri)
            .Replace(", qop=auth", "", StringComparison.Ordinal);

        Assert.Equal(DigestOutcome.Unusable, _auth.Verify(Register("alice", withoutQop)).Outcome);
    }

    [Fact]
    public void Verify_OtherRealmOnly_IsMissing_AndNoHeaderIsMissing()
    {
        var challenge = _auth.Challenges("alice", stale: false)[0];
        var foreign = TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, realmOverride: "proxy.example.com");

        Assert.Equal(DigestOutcome.Missing, _auth.Verify(Register("alice", foreign)).Outcome);
        Assert.Equal(DigestOutcome.Missing, _auth.Verify(Register("alice", null)).Outcome);
    }

    [Fact]
    public void Algorithms_Md5Only_OffersOnlyMd5_AndRefusesSha256Answers()
    {
        var credentials = new AgentSipCredentials();
        credentials.Replace([new AgentSipAccount("agent1", User: "alice", Password: "s3cret")]);
        var md5Only = new DigestAuthenticator("ivr", new DigestNonces("ivr", TimeSpan.FromMinutes(5), _time), credentials, [DigestAlgorithm.Md5]);
        var sha256Challenge = _auth.Challenges("alice", stale: false)[0].Replace(TestDigestClient.Param(_auth.Challenges("alice", false)[0], "nonce")!,
            TestDigestClient.Param(md5Only.Challenges("alice", false)[0], "nonce")!, StringComparison.Ordinal);

        var offered = md5Only.Challenges("alice", stale: false);
        var sha256 = md5Only.Verify(Register("alice", TestDigestClient.Authorization(sha256Challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri)));

        Assert.Equal("MD5", TestDigestClient.Param(Assert.Single(offered), "algorithm"));
        Assert.Equal(DigestOutcome.Unusable, sha256.Outcome);
    }

    [Fact]
    public void Verify_GarbledDigestHeader_IsMalformed()
    {
        Assert.Equal(DigestOutcome.Malformed, _auth.Verify(Register("alice", "Digest username=\"alice\", realm=")).Outcome);
    }

    private static SipRequest Register(string user, string? authorization) =>
        RegisterRequests.Parse(RegisterRequests.Text(user, contact: "<sip:" + user + "@192.0.2.20:5062>", authorization: authorization));
}

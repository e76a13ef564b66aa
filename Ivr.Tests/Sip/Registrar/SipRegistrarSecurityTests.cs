using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Transport;
using Ivr.Tests.Sip.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Registrar;

/// <summary>The registrar against password guessing, user enumeration, replays and phones registering from where they should not (issue 14).</summary>
public sealed partial class SipRegistrarSecurityTests : IDisposable
{
    private static readonly SipEndPoint Attacker = At("203.0.113.66");
    private static readonly SipEndPoint Office = At("198.51.100.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _log = new();
    private readonly SipRegistrar _registrar;
    private int _cseq;

    public SipRegistrarSecurityTests()
    {
        var credentials = new AgentSipCredentials();
        Assert.Empty(credentials.Replace([
            new AgentSipAccount("agent1", User: "alice", Password: "s3cret"),
            new AgentSipAccount("agent2", User: "bobby", Password: "pw2"),
            new AgentSipAccount("agent3", User: "carol", Password: "pw3", AllowedNetworks: ["198.51.100.0/24", "2001:db8::/32"]),
        ]));
        _registrar = new SipRegistrar(new RegistrarOptions(), credentials, _time, _log);
    }

    public void Dispose() => _registrar.Dispose();

    [Fact]
    public void TenWrongPasswords_BlockedFromTheSixth_RightOneRefusedUntilTheLockoutEnds_OthersNotLocked()
    {
        var answers = Enumerable.Range(1, 10).Select(i => Register("alice", "guess" + i, Attacker)).ToArray();

        Assert.All(answers, a => Assert.Equal(403, a.StatusCode));
        // From the sixth try on the registrar no longer even looks at the password: counted as refused while locked.
        Assert.Equal(10, _registrar.Metrics.AuthFailures);
        Assert.Equal(2, _registrar.Metrics.Lockouts);
        Assert.Single(_log.Lines, l => l.Contains("source 203.0.113.66 locked out for 00:01:00 after 5 failed", StringComparison.Ordinal));
        Assert.Single(_log.Lines, l => l.Contains("user alice locked out for 00:01:00", StringComparison.Ordinal));
        Assert.Equal(5, _log.Lines.Count(l => l.Contains("wrong password for 'alice'", StringComparison.Ordinal)));

        var right = Register("alice", "s3cret", Attacker);
        Assert.Equal(403, right.StatusCode);
        Assert.Equal(Normalised(answers[0]), Normalised(right));
        Assert.Null(_registrar.Find("agent1"));

        // Other users from other addresses are served; the attacker's address is locked for everyone.
        Assert.Equal(200, Register("bobby", "pw2", Office).StatusCode);
        Assert.Equal(403, Register("bobby", "pw2", Attacker).StatusCode);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(200, Register("alice", "s3cret", Attacker).StatusCode);
        Assert.NotNull(_registrar.Find("agent1"));
    }

    [Fact]
    public void LockedUser_StillRegistersFromWhereItRegisteredBefore()
    {
        Assert.Equal(200, Register("alice", "s3cret", Office).StatusCode);
        for (var n = 1; n <= 5; n++) Register("alice", "guess", At("203.0.113." + n.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(403, Register("alice", "s3cret", At("203.0.113.77")).StatusCode);
        Assert.Equal(200, Register("alice", "s3cret", Office).StatusCode);
    }

    [Fact]
    public void UnknownUser_GetsTheSameAnswersAsAKnownOne_ByteForByteApartFromNonceTagAndName()
    {
        var known = Exchange("alice");
        var unknown = Exchange("malor");

        Assert.Equal([401, 403], known.Select(r => r.StatusCode));
        for (var i = 0; i < known.Length; i++)
            Assert.Equal(Normalised(known[i]).Replace("alice", "USER", StringComparison.Ordinal), Normalised(unknown[i]).Replace("malor", "USER", StringComparison.Ordinal));
        // And the lockout comes at the same try for both.
        for (var i = 0; i < 4; i++)
        {
            Register("alice", "wrong", At("192.0.2.1"));
            Register("malor", "wrong", At("192.0.2.2"));
        }
        // alice is locked; malor is no account, so no lock of its own is kept (every answer for it is the 403 already)
        // and the answers from a fresh address still match.
        Assert.Equal(LockScope.User, _registrar.Lockout.Check("alice", IPAddress.Parse("192.0.2.9")));
        Assert.Equal(LockScope.None, _registrar.Lockout.Check("malor", IPAddress.Parse("192.0.2.9")));
        var lockedKnown = Register("alice", "s3cret", At("192.0.2.9"));
        var unknownAgain = Register("malor", "s3cret", At("192.0.2.10"));
        Assert.Equal(403, lockedKnown.StatusCode);
        Assert.Equal(Normalised(lockedKnown).Replace("alice", "USER", StringComparison.Ordinal), Normalised(unknownAgain).Replace("malor", "USER", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00000000")]
    [InlineData("1")]
    [InlineData("000000001")]
    [InlineData("+0000001")]
    public void OddNonceCount_GetsOneAnswerForTheRightAndAWrongPassword_NoPasswordOracle(string nc)
    {
        var right = SendWithCount("alice", "s3cret", Attacker, nc);
        var wrong = SendWithCount("alice", "guess", Attacker, nc);

        Assert.Equal(400, right.StatusCode);
        Assert.Equal(Normalised(wrong), Normalised(right));
        Assert.Null(_registrar.Find("agent1"));
    }

    [Fact]
    public void OddNonceCount_DoesNotLetGuessesPastALockout_EveryCredentialedTryIs403()
    {
        // A nonce whose count 1 the office phone has used: the right password with it again is a replay.
        var used = Challenge("alice", Office).Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];
        Assert.Equal(200, Send("alice", Office, TestDigestClient.Authorization(used, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri)).StatusCode);
        var refusals = Enumerable.Range(1, 5).Select(i => Register("alice", "guess" + i, Attacker)).ToArray();
        Assert.Equal(LockScope.Source | LockScope.User, _registrar.Lockout.Check("alice", Attacker.EndPoint.Address));

        var tries = new[]
        {
            SendWithCount("alice", "s3cret", Attacker, "00000000"),
            SendWithCount("alice", "guess6", Attacker, "00000000"),
            SendWithCount("alice", "s3cret", Attacker, "1"),
            Send("alice", Attacker, TestDigestClient.Authorization(used, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri)),
            Register("alice", "s3cret", Attacker),
        };

        Assert.All(tries, t => Assert.Equal(Normalised(refusals[0]), Normalised(t)));
        Assert.Single(_registrar.Bindings("agent1"));
    }

    [Fact]
    public void ReplayedOrDecreasingNonceCount_IsChallengedAgain_AndAGrowingOneRegisters()
    {
        var challenge = Challenge("alice", Office).Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];

        Assert.Equal(200, Send("alice", Office, TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, nc: 2)).StatusCode);
        var replay = Send("alice", Office, TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, nc: 2));
        var lower = Send("alice", Office, TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, nc: 1));
        var higher = Send("alice", Office, TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri, nc: 3));

        Assert.Equal(401, replay.StatusCode);
        Assert.Equal(401, lower.StatusCode);
        Assert.All([replay, lower], r => Assert.Null(TestDigestClient.Param(r.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0], "stale")));
        Assert.Equal(200, higher.StatusCode);
        Assert.Equal(0, _registrar.Metrics.AuthFailures);
    }

    [Fact]
    public void StaleNonce_RightPassword_Is401StaleTrue_WrongPassword_Is403()
    {
        var challenge = Challenge("alice", Office).Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];
        _time.Advance(new RegistrarOptions().NonceLifetime + TimeSpan.FromSeconds(1));

        var right = Send("alice", Office, TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri));
        var wrong = Send("alice", Office, TestDigestClient.Authorization(challenge, "alice", "nope", "REGISTER", RegisterRequests.RequestUri));

        Assert.Equal(401, right.StatusCode);
        Assert.All(right.Headers.GetValues(SipHeaderNames.WwwAuthenticate), c => Assert.Equal("true", TestDigestClient.Param(c, "stale")));
        Assert.Equal(403, wrong.StatusCode);
    }

    [Fact]
    public void AllowedNetworks_InsideRegisters_OutsideIsRefusedLikeAWrongPassword_AndLogged()
    {
        Assert.Equal(200, Register("carol", "pw3", At("198.51.100.200"), "<sip:carol@198.51.100.200:5062>").StatusCode);
        Assert.Equal(200, Register("carol", "pw3", new SipEndPoint(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("2001:db8::5"), 5062)), "<sip:carol@[2001:db8::5]:5062>").StatusCode);

        var outside = Register("carol", "pw3", At("203.0.113.9"));
        var wrong = Register("carol", "nope", At("203.0.113.10"));

        Assert.Equal(403, outside.StatusCode);
        Assert.Equal(Normalised(wrong), Normalised(outside));
        Assert.Single(_log.Lines, l => l.Contains("REGISTER for agent agent3 (carol) from udp:203.0.113.9:5062 refused: outside its allowedNetworks (198.51.100.0/24, 2001:db8::/32)", StringComparison.Ordinal));
        Assert.Equal(2, _registrar.Metrics.AuthFailures);
        Assert.Equal(2, _registrar.Bindings("agent3").Count);
    }

    [Fact]
    public void AllowedNetworks_MalformedEntry_KeepsTheAgentFromRegistering()
    {
        var credentials = new AgentSipCredentials();

        var problems = credentials.Replace([new AgentSipAccount("agent9", Password: "pw", AllowedNetworks: ["10.0.0.0/33"])]);

        Assert.Contains("'10.0.0.0/33' that is not a CIDR range", Assert.Single(problems), StringComparison.Ordinal);
        Assert.Null(credentials.Find("agent9"));
    }

    [Fact]
    public void ContactMovingToAnotherNetwork_IsLoggedAndCounted_AMoveWithinItsNetworkIsNot()
    {
        Assert.Equal(200, Register("alice", "s3cret", At("198.51.100.7"), "<sip:alice@198.51.100.7:5062>").StatusCode);
        Assert.Equal(200, Register("alice", "s3cret", At("198.51.100.8"), "<sip:alice@198.51.100.8:5062>").StatusCode);
        Assert.Equal(0, _registrar.Metrics.ContactMoves);

        Assert.Equal(200, Register("alice", "s3cret", At("203.0.113.9"), "<sip:alice@203.0.113.9:5062>").StatusCode);

        Assert.Equal(1, _registrar.Metrics.ContactMoves);
        Assert.Single(_log.Lines, l => l.Contains("Agent agent1 contact moved: network 198.51.100.0/24 → 203.0.113.0/24", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownUsers_AreChallengedWithTheAlgorithmSetsOfKnownOnes_TheSameWayEachTime()
    {
        var credentials = new AgentSipCredentials();
        credentials.Replace([
            new AgentSipAccount("a1", Password: "x"),
            new AgentSipAccount("a2", Ha1Md5: Digest.Ha1(DigestAlgorithm.Md5, "a2", "ivr", "y")),
            new AgentSipAccount("a3", Ha1Md5: Digest.Ha1(DigestAlgorithm.Md5, "a3", "ivr", "z")),
        ]);
        var auth = new DigestAuthenticator("ivr", new DigestNonces("ivr", TimeSpan.FromMinutes(5), _time), credentials);
        string Set(string user) => string.Join(",", auth.Challenges(user, stale: false).Select(c => TestDigestClient.Param(c, "algorithm")));

        var sets = Enumerable.Range(0, 300).Select(i => Set("ghost" + i.ToString(CultureInfo.InvariantCulture))).ToArray();

        Assert.Equal("MD5", Set("a2"));
        Assert.Equal(Set("ghost7"), Set("ghost7"));
        Assert.Equal(["MD5", "SHA-256,MD5"], sets.Distinct().Order(StringComparer.Ordinal));
        // Two of the three known users are MD5-only: so are about two thirds of the names that do not exist.
        Assert.InRange(sets.Count(s => s == "MD5"), 160, 240);
    }

    // The same two requests (challenge, then a wrong password) but for the name, from the same phone.
    private SipResponse[] Exchange(string user)
    {
        var challenge = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, "enum@192.0.2.20", 1, "<sip:phone@192.0.2.20>", "600")), Office);
        var auth = TestDigestClient.Authorization(challenge.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0], user, "wrong", "REGISTER", RegisterRequests.RequestUri);
        var refused = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, "enum@192.0.2.20", 2, "<sip:phone@192.0.2.20>", "600", auth)), Office);
        return [challenge, refused];
    }

    [Fact]
    public void GuessesWithEverChangingLongNames_KeepOnlyTheirSourceInTheLockoutTables()
    {
        for (var i = 0; i < 15; i++)
        {
            var name = new string('x', 4000) + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(403, Register(name, "guess", At("203.0.113." + (i % 3).ToString(CultureInfo.InvariantCulture))).StatusCode);
        }

        // Three sources (each locked after its five guesses), no names.
        Assert.Equal(3, _registrar.Lockout.Tracked);
        Assert.Equal(LockScope.Source, _registrar.Lockout.Check("alice", IPAddress.Parse("203.0.113.0")));
        Assert.Equal(403, Register("alice", "s3cret", At("203.0.113.0")).StatusCode);
        Assert.Equal(200, Register("alice", "s3cret", Office).StatusCode);
    }

    [Fact]
    public void Ipv6Guesser_RotatingAddressesWithinItsSlash64_IsOneSourceAndLocked()
    {
        for (var i = 1; i <= 5; i++)
            Assert.Equal(403, Register("bobby", "guess", V6("2001:db8:7:7::" + i.ToString("x", CultureInfo.InvariantCulture))).StatusCode);

        Assert.Equal(403, Register("alice", "s3cret", V6("2001:db8:7:7:ffff::1")).StatusCode);
        Assert.Equal(200, Register("alice", "s3cret", V6("2001:db8:7:8::1"), "<sip:alice@[2001:db8:7:8::1]:5062>").StatusCode);
        Assert.Single(_log.Lines, l => l.Contains("source 2001:db8:7:7::/64 locked out", StringComparison.Ordinal));
    }

    private static SipEndPoint V6(string address) => new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse(address), 5062));

    // Credentials for a fresh challenge with the nonce count written as nc (the response hashed over that same text).
    private SipResponse SendWithCount(string user, string password, SipEndPoint from, string nc)
    {
        var challenge = Challenge(user, from).Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];
        var realm = TestDigestClient.Param(challenge, "realm")!;
        var nonce = TestDigestClient.Param(challenge, "nonce")!;
        static string H(string s) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)));
        var response = H($"{H($"{user}:{realm}:{password}")}:{nonce}:{nc}:0a4f113b:auth:{H("REGISTER:" + RegisterRequests.RequestUri)}");
        var authorization = $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{RegisterRequests.RequestUri}\", response=\"{response}\", " +
            $"algorithm=SHA-256, cnonce=\"0a4f113b\", qop=auth, nc={nc}";
        return Send(user, from, authorization);
    }

    private static SipEndPoint At(string address) => new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse(address), 5062));

    // The response text with what must differ between two answers masked: nonce and tags, and the CSeq number and Via
    // branch that differ between two requests of one phone (the same in the requests of Exchange).
    private static string Normalised(SipResponse response)
    {
        var text = response.ToString();
        text = NonceParam().Replace(text, "nonce=\"NONCE\"");
        text = ToTag().Replace(text, ";tag=TAG");
        text = CSeqNumber().Replace(text, "CSeq: N ");
        return BranchParam().Replace(text, ";branch=BRANCH");
    }

    private SipResponse Challenge(string user, SipEndPoint from, string contact = "<sip:phone@192.0.2.20:5062>") =>
        _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, "reg@192.0.2.20", ++_cseq, contact, "600")), from);

    private SipResponse Send(string user, SipEndPoint from, string authorization, string contact = "<sip:phone@192.0.2.20:5062>") =>
        _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, "reg@192.0.2.20", ++_cseq, contact, "600", authorization,
            branch: "z9hG4bK" + _cseq.ToString(CultureInfo.InvariantCulture))), from);

    // A softphone's two steps with the first challenge offered.
    private SipResponse Register(string user, string password, SipEndPoint from, string contact = "<sip:phone@192.0.2.20:5062>")
    {
        var first = Challenge(user, from, contact);
        Assert.Equal(401, first.StatusCode);
        var challenge = first.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];
        return Send(user, from, TestDigestClient.Authorization(challenge, user, password, "REGISTER", RegisterRequests.RequestUri), contact);
    }

    [GeneratedRegex("nonce=\"[^\"]*\"")]
    private static partial Regex NonceParam();

    [GeneratedRegex(";tag=[^;\\r\\n>]*")]
    private static partial Regex ToTag();

    [GeneratedRegex("CSeq: [0-9]+ ")]
    private static partial Regex CSeqNumber();

    [GeneratedRegex(";branch=[^;\\r\\n]*")]
    private static partial Regex BranchParam();

    private sealed class ListLogger : ILogger<SipRegistrar>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));
    }
}

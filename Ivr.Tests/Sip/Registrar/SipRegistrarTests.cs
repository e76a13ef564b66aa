using System.Globalization;
using System.Net;
using Ivr.Engine.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Transport;
using Ivr.Tests.Sip.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Registrar;

public sealed class SipRegistrarTests : IDisposable
{
    private static readonly SipEndPoint Phone = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40123));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly SipRegistrar _registrar;
    private readonly List<AgentContactChange> _changes = [];

    public SipRegistrarTests()
    {
        var credentials = new AgentSipCredentials();
        credentials.Replace([
            new AgentSipAccount("agent1", User: "alice", Ha1Sha256: Digest.Ha1(DigestAlgorithm.Sha256, "alice", "ivr", "s3cret"), Ha1Md5: Digest.Ha1(DigestAlgorithm.Md5, "alice", "ivr", "s3cret")),
            new AgentSipAccount("agent2", Password: "pw2"),
        ]);
        _registrar = new SipRegistrar(new RegistrarOptions { MinExpires = TimeSpan.FromSeconds(60), MaxExpires = TimeSpan.FromSeconds(3600) },
            credentials, _time, NullLogger<SipRegistrar>.Instance);
        _registrar.Changed += c => _changes.Add(c);
    }

    public void Dispose() => _registrar.Dispose();

    [Fact]
    public void Register_WithoutCredentials_Gets401WithBothChallenges_AndBindsNothing()
    {
        var response = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("alice", contact: "<sip:alice@10.0.0.5:5062>")), Phone);

        Assert.Equal(401, response.StatusCode);
        var challenges = response.Headers.GetValues(SipHeaderNames.WwwAuthenticate);
        Assert.Equal(["SHA-256", "MD5"], challenges.Select(c => TestDigestClient.Param(c, "algorithm")));
        Assert.NotNull(response.To!.Tag);
        Assert.Null(_registrar.Find("agent1"));
    }

    [Fact]
    public void Register_AfterChallenge_Gets200ListingTheContactWithExpires_AndTheAgentIsReachable()
    {
        var response = Register("alice", "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "600");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("<sip:alice@10.0.0.5:5062>;expires=600", Assert.Single(response.Headers.GetValues(SipHeaderNames.Contact)));
        Assert.NotNull(response.Headers[SipHeaderNames.Date]);
        var contact = _registrar.Find("agent1")!;
        Assert.Equal("sip:alice@10.0.0.5:5062", contact.Uri.ToString());
        Assert.Equal(Phone, contact.Received);
        Assert.Equal(SipProtocol.Udp, contact.Transport);
        Assert.Equal("TestPhone/2.0", contact.UserAgent);
        var change = Assert.Single(_changes);
        Assert.Equal(new AgentContactChange("agent1", AgentContactChangeKind.Registered, contact), change);
    }

    [Fact]
    public void Register_PasswordUserDefaultsToAgentId_AndUsesMd5WhenTheClientPicksIt()
    {
        var response = Register("agent2", "pw2", "<sip:agent2@10.0.0.6>", expires: "600", challengeIndex: 1);

        Assert.Equal(200, response.StatusCode);
        Assert.NotNull(_registrar.Find("agent2"));
    }

    [Fact]
    public void Register_WrongPassword_Is403_AndUnknownUserToo()
    {
        Assert.Equal(403, Register("alice", "guess", "<sip:alice@10.0.0.5>", expires: "600").StatusCode);
        Assert.Equal(403, Register("mallory", "guess", "<sip:mallory@10.0.0.5>", expires: "600").StatusCode);
        Assert.Empty(_registrar.All());
        Assert.Empty(_changes);
    }

    [Fact]
    public void Register_SomeoneElsesAddressOfRecord_Is403()
    {
        var challenge = ChallengeFor("agent2");
        var auth = TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri);

        var response = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("agent2", contact: "<sip:x@10.0.0.5>", authorization: auth)), Phone);

        Assert.Equal(403, response.StatusCode);
        Assert.Null(_registrar.Find("agent2"));
    }

    [Fact]
    public void Register_TooBrief_Is423WithMinExpires()
    {
        var response = Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "10");

        Assert.Equal(423, response.StatusCode);
        Assert.Equal("60", response.Headers[SipHeaderNames.MinExpires]);
        Assert.Null(_registrar.Find("agent1"));
    }

    [Fact]
    public void Register_StaleNonce_Gets401StaleTrue()
    {
        var challenge = ChallengeFor("alice");
        _time.Advance(TimeSpan.FromMinutes(6));
        var auth = TestDigestClient.Authorization(challenge, "alice", "s3cret", "REGISTER", RegisterRequests.RequestUri);

        var response = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("alice", contact: "<sip:alice@10.0.0.5>", authorization: auth)), Phone);

        Assert.Equal(401, response.StatusCode);
        Assert.All(response.Headers.GetValues(SipHeaderNames.WwwAuthenticate), c => Assert.Equal("true", TestDigestClient.Param(c, "stale")));
    }

    [Fact]
    public void Binding_LapsesAtItsExpiry_WithAnExpiredEvent()
    {
        Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "120");

        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.NotNull(_registrar.Find("agent1"));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(_registrar.Find("agent1"));
        Assert.Equal(new AgentContactChange("agent1", AgentContactChangeKind.Expired, null), _changes[^1]);
    }

    [Fact]
    public void Refresh_KeepsTheBindingPastItsFirstExpiry_AndRaisesRefreshed()
    {
        Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "120", cseq: 1);
        _time.Advance(TimeSpan.FromSeconds(100));

        var refreshed = Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "120", cseq: 3);
        _time.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(200, refreshed.StatusCode);
        Assert.NotNull(_registrar.Find("agent1"));
        Assert.Equal([AgentContactChangeKind.Registered, AgentContactChangeKind.Refreshed], _changes.Select(c => c.Kind));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(_registrar.Find("agent1"));
    }

    [Fact]
    public void Unregister_ExpiresZero_RemovesTheContact_AndWildcardRemovesAll()
    {
        Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "600", cseq: 1);
        Register("alice", "s3cret", "<sip:alice@10.0.0.9>", expires: "600", cseq: 3);
        Assert.Equal(2, _registrar.Bindings("agent1").Count);

        var one = Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "0", cseq: 5);
        Assert.Equal("sip:alice@10.0.0.9", _registrar.Find("agent1")!.Uri.ToString());
        Assert.Single(one.Headers.GetValues(SipHeaderNames.Contact));

        var all = Register("alice", "s3cret", "*", expires: "0", cseq: 7);
        Assert.Equal(200, all.StatusCode);
        Assert.Empty(all.Headers.GetValues(SipHeaderNames.Contact));
        Assert.Null(_registrar.Find("agent1"));
        Assert.Equal(AgentContactChangeKind.Unregistered, _changes[^1].Kind);
    }

    [Fact]
    public void Register_OldCSeqOnTheSameCallId_Is400_AndTheBindingStays()
    {
        Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "600", cseq: 10);

        var response = Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "0", cseq: 9);

        Assert.Equal(400, response.StatusCode);
        Assert.NotNull(_registrar.Find("agent1"));
    }

    [Fact]
    public void Find_PrefersTheHighestQ()
    {
        Register("alice", "s3cret", "<sip:alice@10.0.0.5>;q=0.4", expires: "600", cseq: 1);
        Register("alice", "s3cret", "<sip:alice@10.0.0.6;transport=tcp>;q=0.9", expires: "600", cseq: 3);
        Register("alice", "s3cret", "<sip:alice@10.0.0.7>;q=0.5", expires: "600", cseq: 5);

        var contact = _registrar.Find("agent1")!;

        Assert.Equal("sip:alice@10.0.0.6;transport=tcp", contact.Uri.ToString());
        Assert.Equal(SipProtocol.Tcp, contact.Transport);
    }

    [Fact]
    public void Register_NoUserInTheAddressOfRecord_Is404()
    {
        var response = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("alice", to: "<sip:127.0.0.1>", contact: "<sip:alice@10.0.0.5>")), Phone);

        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public void PrivateContact_RegisteredFromAnotherAddress_IsReachedWhereTheRegisterCameFrom()
    {
        // A softphone behind NAT: its Contact is its LAN address, its REGISTER arrives from the NAT's public mapping.
        Assert.Equal(200, Register("alice", "s3cret", "<sip:alice@10.0.0.5:5062;transport=udp>", expires: "600").StatusCode);

        var contact = _registrar.Find("agent1")!;
        Assert.Equal(Phone, contact.NextHop);
        Assert.Equal(Phone, _registrar.NextHopFor(SipUri.Parse("sip:alice@10.0.0.5:5062;transport=udp")));
        Assert.Null(_registrar.NextHopFor(SipUri.Parse("sip:alice@10.0.0.5:5070")));
        Assert.Null(_registrar.NextHopFor(SipUri.Parse("sip:bob@10.0.0.9")));
    }

    [Theory]
    [InlineData("<sip:alice@198.51.100.7:5062>", "198.51.100.7")] // a public contact: reached at what it says
    [InlineData("<sip:alice@203.0.113.9:5062>", "198.51.100.7")] // public, even if sent from elsewhere (a proxy's job)
    [InlineData("<sip:alice@10.0.0.5:5062>", "10.0.0.5")] // on the engine's own LAN: sent from the address it names
    [InlineData("<sip:alice@phone.example.com>", "198.51.100.7")] // a host name is resolved, not second-guessed
    public void Contact_ThatIsNotBehindNat_IsReachedAtTheAddressItNames(string contactHeader, string source)
    {
        var from = new SipEndPoint(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse(source), 40123));
        Assert.Equal(200, Register("alice", "s3cret", contactHeader, expires: "600", from: from).StatusCode);

        var contact = _registrar.Find("agent1")!;
        Assert.Null(contact.NextHop);
        Assert.Null(_registrar.NextHopFor(contact.Uri));
    }

    [Theory]
    [InlineData("<sip:alice@198.51.100.7:5062;transport=tcp>", true)] // over TCP: the connection it keeps open
    [InlineData("<sip:alice@198.51.100.7:5062>", true)] // no transport parameter: the one it registered over
    [InlineData("<sip:alice@198.51.100.7:5062;transport=udp>", false)] // asks for UDP at its (public) contact
    public void Contact_RegisteredOverTcp_IsReachedOverItsConnection(string contactHeader, bool overTheConnection)
    {
        var connection = new SipEndPoint(SipProtocol.Tcp, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 49152));
        Assert.Equal(200, Register("alice", "s3cret", contactHeader, expires: "600", from: connection).StatusCode);

        var contact = _registrar.Find("agent1")!;
        Assert.Equal(overTheConnection ? connection : null, contact.NextHop);
        Assert.Equal(contact.NextHop, _registrar.NextHopFor(contact.Uri));
    }

    [Fact]
    public void NatHandlingOff_PrivateContactIsReachedAtTheAddressItNames()
    {
        var credentials = new AgentSipCredentials();
        credentials.Replace([new AgentSipAccount("agent2", Password: "pw2")]);
        using var registrar = new SipRegistrar(new RegistrarOptions { NatNetworks = NatNetworks.None }, credentials, _time, NullLogger<SipRegistrar>.Instance);
        var first = registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("agent2", "reg-off", 1, "<sip:agent2@10.0.0.6>", "600")), Phone);
        var auth = TestDigestClient.Authorization(first.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0], "agent2", "pw2", "REGISTER", RegisterRequests.RequestUri);
        Assert.Equal(200, registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("agent2", "reg-off", 2, "<sip:agent2@10.0.0.6>", "600", auth, branch: "z9hG4bKoff")), Phone).StatusCode);

        Assert.Null(registrar.Find("agent2")!.NextHop);
    }

    [Fact]
    public void ChangeHandlerThatThrows_DoesNotBreakRegistration()
    {
        _registrar.Changed += _ => throw new InvalidOperationException("subscriber bug");

        var response = Register("alice", "s3cret", "<sip:alice@10.0.0.5>", expires: "600");

        Assert.Equal(200, response.StatusCode);
        Assert.Single(_changes);
    }

    private string ChallengeFor(string user)
    {
        var first = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, contact: "<sip:x@10.0.0.5>")), Phone);
        Assert.Equal(401, first.StatusCode);
        return first.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0];
    }

    // A softphone's two steps: REGISTER, 401, REGISTER with credentials for the chosen challenge.
    private SipResponse Register(string user, string password, string contact, string expires, long cseq = 1, int challengeIndex = 0, SipEndPoint? from = null)
    {
        var callId = "reg-" + user + "@192.0.2.20";
        var source = from ?? Phone;
        var first = _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, callId, cseq, contact, expires)), source);
        Assert.Equal(401, first.StatusCode);
        var challenge = first.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[challengeIndex];
        var auth = TestDigestClient.Authorization(challenge, user, password, "REGISTER", RegisterRequests.RequestUri);
        return _registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text(user, callId, cseq + 1, contact, expires, auth,
            branch: "z9hG4bK" + cseq.ToString(CultureInfo.InvariantCulture))), source);
    }
}

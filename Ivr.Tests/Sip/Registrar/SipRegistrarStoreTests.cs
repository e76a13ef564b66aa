using System.Globalization;
using System.Net;
using Ivr.Engine.Net;
using Ivr.Engine.Registrations;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Transport;
using Ivr.Tests.Routing.Callbacks;
using Ivr.Tests.Sip.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Registrar;

/// <summary>
/// The registrar over a real SQLite registration store: bindings written before the 200, read back by a new registrar (a
/// restart, or another node on the same database), a failed write answered 500, expiry honoured on loaded bindings.
/// </summary>
public sealed class SipRegistrarStoreTests : IDisposable
{
    private static readonly SipEndPoint Phone = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40123));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));
    private readonly TempDatabase _db = new();
    private readonly List<SipRegistrar> _registrars = [];

    public void Dispose()
    {
        foreach (var registrar in _registrars) registrar.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task Register_ThenANewRegistrarLoadsTheStore_TheAgentIsReachableWithoutANewRegister()
    {
        var first = await Registrar("n1");
        Assert.Equal(200, Register(first, "s3cret", "<sip:alice@192.168.1.20:5060>", expires: "600").StatusCode);
        first.Dispose();

        var restarted = await Registrar("n1");
        var contact = restarted.Find("agent1");

        Assert.NotNull(contact);
        Assert.Equal("sip:alice@192.168.1.20:5060", contact.Uri.ToString());
        Assert.Equal(Phone, contact.Received);
        Assert.Equal(Phone, contact.NextHop);
        Assert.Equal(_time.GetUtcNow().AddSeconds(600), contact.Expires);
        Assert.Equal("n1", Assert.Single(restarted.Bindings("agent1")).Node);
    }

    [Fact]
    public async Task Register_StoreCannotWrite_Is500_NothingBoundOrAnnounced_AndTheNextRegisterAfterItRecoversIs200()
    {
        var folder = Path.Combine(_db.Folder, "blocked");
        var blocker = Path.Combine(folder, "ivr.db");
        Directory.CreateDirectory(blocker);
        var registrar = await Registrar("n1", new ConfiguredRegistrationStore(folder, _time));
        var changes = new List<AgentContactChange>();
        registrar.Changed += changes.Add;

        var refused = Register(registrar, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "600");
        var nothing = registrar.Find("agent1");
        Directory.Delete(blocker);
        var accepted = Register(registrar, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "600", cseq: 10);

        Assert.Equal((500, "Registration store unavailable"), (refused.StatusCode, refused.ReasonPhrase));
        Assert.Null(nothing);
        Assert.True(registrar.Metrics.StoreFailures >= 1);
        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal(AgentContactChangeKind.Registered, Assert.Single(changes).Kind);
        Assert.NotNull(registrar.Find("agent1"));
    }

    [Fact]
    public async Task Refresh_LearnsWhatAnotherNodeTook_AndThatItWasRemoved()
    {
        var n1 = await Registrar("n1");
        var n2 = await Registrar("n2");
        var seenByN2 = new List<AgentContactChange>();
        n2.Changed += seenByN2.Add;

        Register(n1, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "600");
        Assert.True(await n2.RefreshAsync());
        var learnt = n2.Find("agent1");
        var learntBindings = n2.Bindings("agent1");
        Register(n1, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "0", cseq: 10);
        Assert.True(await n2.RefreshAsync());

        Assert.Equal("sip:alice@10.0.0.5:5062", learnt?.Uri.ToString());
        Assert.Equal("n1", Assert.Single(learntBindings).Node);
        Assert.Null(n2.Find("agent1"));
        Assert.Equal([AgentContactChangeKind.Registered, AgentContactChangeKind.Unregistered], seenByN2.Select(c => c.Kind));
    }

    [Fact]
    public async Task LoadedBinding_PastItsExpiry_IsNeverUsed()
    {
        var n1 = await Registrar("n1");
        Register(n1, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "120");
        _time.Advance(TimeSpan.FromSeconds(60));
        var n2 = await Registrar("n2");
        var expired = new List<AgentContactChange>();
        n2.Changed += expired.Add;
        var beforeExpiry = n2.Find("agent1");

        _time.Advance(TimeSpan.FromSeconds(61));
        var afterExpiry = n2.Find("agent1");
        var n3 = await Registrar("n3");

        Assert.NotNull(beforeExpiry);
        Assert.Null(afterExpiry);
        Assert.Equal(AgentContactChangeKind.Expired, Assert.Single(expired).Kind);
        Assert.Null(n3.Find("agent1"));
        Assert.Empty(n3.All());
    }

    [Fact]
    public async Task Register_OnAnotherNode_SameCallIdWithAnOlderCSeq_Is400_AndTheBindingStays()
    {
        var n1 = await Registrar("n1");
        var n2 = await Registrar("n2");
        Assert.Equal(200, Register(n1, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "600", cseq: 10).StatusCode);

        var outOfOrder = Register(n2, "s3cret", "<sip:alice@10.0.0.5:5062>", expires: "0", cseq: 4);

        Assert.Equal(400, outOfOrder.StatusCode);
        Assert.NotNull((await Registrar("n3")).Find("agent1"));
    }

    private async Task<SipRegistrar> Registrar(string node, IRegistrationStore? store = null)
    {
        var credentials = new AgentSipCredentials();
        credentials.Replace([new AgentSipAccount("agent1", User: "alice", Password: "s3cret")]);
        var registrar = new SipRegistrar(new RegistrarOptions { NatNetworks = NatNetworks.Default }, credentials, _time, NullLogger<SipRegistrar>.Instance,
            storage: new RegistrarStorage(store ?? await SqliteRegistrationStore.OpenAsync(_db.Database, _time.GetUtcNow()), node));
        _registrars.Add(registrar);
        await registrar.LoadAsync();
        return registrar;
    }

    private static SipResponse Register(SipRegistrar registrar, string password, string contact, string expires, long cseq = 1)
    {
        const string callId = "reg-alice@192.0.2.20";
        var first = registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("alice", callId, cseq, contact, expires)), Phone);
        Assert.Equal(401, first.StatusCode);
        var auth = TestDigestClient.Authorization(first.Headers.GetValues(SipHeaderNames.WwwAuthenticate)[0], "alice", password, "REGISTER", RegisterRequests.RequestUri);
        return registrar.OnRegister(RegisterRequests.Parse(RegisterRequests.Text("alice", callId, cseq + 1, contact, expires, auth,
            branch: "z9hG4bK" + cseq.ToString(CultureInfo.InvariantCulture))), Phone);
    }
}

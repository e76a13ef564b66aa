using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Tests.Registrations;

/// <summary>What every <see cref="IRegistrationStore"/> must do, run against each provider.</summary>
public abstract class RegistrationStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 8, 1, 0, 0, TimeSpan.Zero);

    /// <summary>A store on the test's database, as a new process (or another node) opens it.</summary>
    protected abstract Task<IRegistrationStore> Open();

    private static RegistrationBinding Binding(string contact, DateTimeOffset expires, string callId = "reg-1@phone", long cseq = 2,
        string source = "198.51.100.7", int port = 40123, SipProtocol protocol = SipProtocol.Udp, string? q = null, string? userAgent = "TestPhone/2.0",
        string? node = "n1") => new()
    {
        Contact = SipUri.Parse(contact),
        Q = q,
        CallId = callId,
        CSeq = cseq,
        Expires = expires,
        Registered = T0.AddMinutes(-5),
        Received = new SipEndPoint(protocol, new IPEndPoint(IPAddress.Parse(source), port)),
        UserAgent = userAgent,
        Node = node,
    };

    private static void AssertSame(RegistrationBinding expected, RegistrationBinding actual)
    {
        Assert.True(expected.SameAs(actual), $"expected {expected}, got {actual}");
        Assert.Equal(expected.Contact.ToString(), actual.Contact.ToString());
        Assert.Equal(expected.Registered, actual.Registered);
        Assert.Equal(expected.UserAgent, actual.UserAgent);
        Assert.Equal(expected.Node, actual.Node);
    }

    [Fact]
    public async Task ReplaceAsync_ThenReopen_KeepsEveryFieldOfEveryBinding()
    {
        var store = await Open();
        var udp = Binding("sip:alice@192.168.1.20:5060;transport=udp", T0.AddMinutes(30), q: "0.7");
        var tcp = Binding("sip:alice@[2001:db8::7]:5070;transport=tcp", T0.AddMinutes(60), callId: "reg-2@phone", cseq: 9,
            source: "2001:db8::7", port: 50000, protocol: SipProtocol.Tcp, userAgent: null, node: null);
        await store.ReplaceAsync("agent1", "alice", [udp, tcp]);

        var reopened = await Open();
        var live = await reopened.LiveAsync(T0);
        var found = await reopened.FindAsync("agent1", T0);

        Assert.Equal(2, live.Count);
        Assert.All(live, r => Assert.Equal(("agent1", "alice"), (r.AgentId, r.User)));
        AssertSame(udp, live.Single(r => r.Binding.CallId == udp.CallId).Binding);
        AssertSame(tcp, live.Single(r => r.Binding.CallId == tcp.CallId).Binding);
        Assert.Equal(live.Select(r => r.Binding.CallId).Order(), found.Select(r => r.Binding.CallId).Order());
    }

    [Fact]
    public async Task ReplaceAsync_IsTheAgentsWholeSet_OtherAgentsUntouched_AndEmptyRemovesIt()
    {
        var store = await Open();
        await store.ReplaceAsync("agent1", "alice", [Binding("sip:alice@10.0.0.5", T0.AddMinutes(30)), Binding("sip:alice@10.0.0.6", T0.AddMinutes(30))]);
        await store.ReplaceAsync("agent2", "bob", [Binding("sip:bob@10.0.0.9", T0.AddMinutes(30))]);

        await store.ReplaceAsync("agent1", "alice", [Binding("sip:alice@10.0.0.6", T0.AddMinutes(50), cseq: 3)]);
        var afterRefresh = await store.FindAsync("agent1", T0);
        await store.ReplaceAsync("agent2", "bob", []);

        var one = Assert.Single(afterRefresh);
        Assert.Equal("sip:alice@10.0.0.6", one.Binding.Contact.ToString());
        Assert.Equal((3L, T0.AddMinutes(50)), (one.Binding.CSeq, one.Binding.Expires));
        Assert.Empty(await store.FindAsync("agent2", T0));
        Assert.Equal(["agent1"], (await store.LiveAsync(T0)).Select(r => r.AgentId));
    }

    [Fact]
    public async Task ExpiredBinding_IsNeverReturned_AndRemoveExpiredDeletesOnlyThose()
    {
        var store = await Open();
        await store.ReplaceAsync("agent1", "alice", [Binding("sip:alice@10.0.0.5", T0.AddSeconds(60)), Binding("sip:alice@10.0.0.6", T0.AddSeconds(120))]);
        await store.ReplaceAsync("agent2", "bob", [Binding("sip:bob@10.0.0.9", T0.AddSeconds(60))]);

        var atExpiry = await store.LiveAsync(T0.AddSeconds(60));
        var agent2AtExpiry = await store.FindAsync("agent2", T0.AddSeconds(60));
        var removed = await store.RemoveExpiredAsync(T0.AddSeconds(90));
        var before = await store.LiveAsync(T0);

        Assert.Equal(["sip:alice@10.0.0.6"], atExpiry.Select(r => r.Binding.Contact.ToString()));
        Assert.Empty(agent2AtExpiry);
        Assert.Equal(2, removed);
        Assert.Equal(["sip:alice@10.0.0.6"], before.Select(r => r.Binding.Contact.ToString()));
    }

    [Fact]
    public async Task TwoStoresOnOneDatabase_SeeEachOthersWrites()
    {
        var n1 = await Open();
        var n2 = await Open();

        await n1.ReplaceAsync("agent1", "alice", [Binding("sip:alice@10.0.0.5", T0.AddMinutes(30), node: "n1")]);
        var seenByN2 = await n2.FindAsync("agent1", T0);
        await n2.ReplaceAsync("agent1", "alice", [Binding("sip:alice@10.0.0.7", T0.AddMinutes(30), callId: "reg-9@phone", node: "n2")]);
        var seenByN1 = await n1.LiveAsync(T0);

        Assert.Equal("n1", Assert.Single(seenByN2).Binding.Node);
        Assert.Equal(("sip:alice@10.0.0.7", "n2"), (Assert.Single(seenByN1).Binding.Contact.ToString(), seenByN1[0].Binding.Node));
    }
}

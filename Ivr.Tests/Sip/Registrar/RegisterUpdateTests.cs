using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Tests.Sip.Registrar;

public class RegisterUpdateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly RegistrarOptions Options = new() { MinExpires = TimeSpan.FromSeconds(60), MaxExpires = TimeSpan.FromSeconds(3600), DefaultExpires = TimeSpan.FromSeconds(1800), MaxContactsPerAor = 2 };
    private static readonly SipEndPoint From = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.20"), 5062));

    private static RegisterUpdate Update(long cseq, string callId = "c1", uint? expires = null, params string[] contacts) => new()
    {
        CallId = callId,
        CSeq = cseq,
        Expires = expires,
        Contacts = contacts.Select(SipNameAddr.Parse).ToArray(),
        Received = From,
    };

    [Fact]
    public void ApplyTo_NewContact_BindsWithTheDefaultExpiry()
    {
        var result = Update(1, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo([], Options, Now);

        var binding = Assert.Single(result.Bindings);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(Now.AddSeconds(1800), binding.Expires);
        Assert.Equal("c1", binding.CallId);
        Assert.Equal(From, binding.Received);
    }

    [Fact]
    public void ApplyTo_ContactParameterBeatsTheHeader_AndLongRequestsAreShortened()
    {
        var result = Update(1, expires: 120, contacts: ["<sip:a@192.0.2.20:5062>;expires=300", "<sip:a@192.0.2.20:5064>", "<sip:a@192.0.2.20:5066>;expires=99999"])
            .ApplyTo([], Options with { MaxContactsPerAor = 5 }, Now);

        Assert.Equal([Now.AddSeconds(300), Now.AddSeconds(120), Now.AddSeconds(3600)], result.Bindings.Select(b => b.Expires));
    }

    [Fact]
    public void ApplyTo_TooBrief_Is423WithMinExpires()
    {
        var result = Update(1, expires: 30, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo([], Options, Now);

        Assert.Equal(423, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), result.MinExpires);
        Assert.Empty(result.Bindings);
    }

    [Fact]
    public void ApplyTo_Refresh_SameCallIdHigherCSeq_MovesExpiryAndKeepsRegistered()
    {
        var first = Update(1, expires: 600, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo([], Options, Now).Bindings;

        var refreshed = Update(2, expires: 600, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo(first, Options, Now.AddSeconds(500));

        var binding = Assert.Single(refreshed.Bindings);
        Assert.Equal(Now.AddSeconds(1100), binding.Expires);
        Assert.Equal(Now, binding.Registered);
        Assert.Equal(2, binding.CSeq);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void ApplyTo_SameCallIdNotHigherCSeq_Fails_AndChangesNothing(long cseq)
    {
        var first = Update(1, expires: 600, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo([], Options, Now).Bindings;

        var result = Update(cseq, expires: 0, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo(first, Options, Now);

        Assert.Equal(400, result.StatusCode);
        Assert.Empty(result.Bindings);
    }

    [Fact]
    public void ApplyTo_OtherCallId_AnyCSeq_Replaces()
    {
        var first = Update(50, expires: 600, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo([], Options, Now).Bindings;

        var result = Update(1, callId: "rebooted", expires: 900, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo(first, Options, Now);

        Assert.Equal("rebooted", Assert.Single(result.Bindings).CallId);
    }

    [Fact]
    public void ApplyTo_ExpiresZero_RemovesOnlyThatContact()
    {
        var two = Update(1, expires: 600, contacts: ["<sip:a@192.0.2.20:5062>", "<sip:a@192.0.2.21:5062>"]).ApplyTo([], Options, Now).Bindings;

        var result = Update(2, contacts: "<sip:a@192.0.2.20:5062>;expires=0").ApplyTo(two, Options, Now);

        Assert.Equal("sip:a@192.0.2.21:5062", Assert.Single(result.Bindings).Contact.ToString());
    }

    [Fact]
    public void ApplyTo_Wildcard_RemovesAll_OnlyWithExpiresZero()
    {
        var two = Update(1, expires: 600, contacts: ["<sip:a@192.0.2.20:5062>", "<sip:a@192.0.2.21:5062>"]).ApplyTo([], Options, Now).Bindings;

        var withoutZero = (Update(2, expires: 600) with { IsWildcard = true }).ApplyTo(two, Options, Now);
        var stale = (Update(1, expires: 0) with { IsWildcard = true }).ApplyTo(two, Options, Now);
        var removed = (Update(2, expires: 0) with { IsWildcard = true }).ApplyTo(two, Options, Now);

        Assert.Equal(400, withoutZero.StatusCode);
        Assert.Equal(400, stale.StatusCode);
        Assert.Equal(200, removed.StatusCode);
        Assert.Empty(removed.Bindings);
    }

    [Fact]
    public void ApplyTo_Query_ReturnsTheBindingsUnchanged()
    {
        var one = Update(1, expires: 600, contacts: "<sip:a@192.0.2.20:5062>").ApplyTo([], Options, Now).Bindings;

        var result = Update(2).ApplyTo(one, Options, Now);

        Assert.Same(one[0], Assert.Single(result.Bindings));
    }

    [Fact]
    public void ApplyTo_MoreContactsThanAllowed_Is403AndNothingChanges()
    {
        var result = Update(1, contacts: ["<sip:a@192.0.2.20:1>", "<sip:a@192.0.2.20:2>", "<sip:a@192.0.2.20:3>"]).ApplyTo([], Options, Now);

        Assert.Equal(403, result.StatusCode);
        Assert.Empty(result.Bindings);
    }

    [Fact]
    public void ApplyTo_TelContact_Is400()
    {
        Assert.Equal(400, Update(1, contacts: "<tel:+33123456789>").ApplyTo([], Options, Now).StatusCode);
    }

    [Fact]
    public void ApplyTo_EquivalentUris_AreOneBinding()
    {
        var one = Update(1, expires: 600, contacts: "<sip:a@HOST.example.com:5062;transport=udp>").ApplyTo([], Options, Now).Bindings;

        var result = Update(2, expires: 600, contacts: "<sip:a@host.example.com:5062;transport=UDP>").ApplyTo(one, Options, Now);

        Assert.Single(result.Bindings);
    }
}

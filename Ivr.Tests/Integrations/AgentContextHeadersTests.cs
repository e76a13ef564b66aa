using Ivr.Engine.Integrations.ScreenPop;

namespace Ivr.Tests.Integrations;

/// <summary>The <c>X-Ivr-*</c> headers of the agent's INVITE: their order and format, sanitising, and the size caps (no actors).</summary>
public class AgentContextHeadersTests
{
    private static readonly DateTimeOffset Queued = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    private static AgentContext Context(
        IReadOnlyList<AgentVariable>? variables = null, string path = "main_menu[1] > ask_account[4 digits] > lookup > greet > queue_known",
        IReadOnlyList<AgentOffer>? offers = null, PreviousContacts? contacts = null, string callId = "abc123@10.0.0.1") =>
        new(callId, AgentContext.InboundKind, "billing", "a1", "+33612345678", "account-lookup", Queued, Queued.AddSeconds(75.8), 75,
            path, offers ?? [], variables ?? [new AgentVariable("account", "4242"), new AgentVariable("customer_name", "Ada Lovelace")], contacts);

    private static Dictionary<string, string> AsMap(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);

    [Fact]
    public void Build_GivesEachDocumentedHeader_InOrder()
    {
        var contacts = new PreviousContacts(2, 5, Queued.AddHours(-3), "billing", "a2", "connected");
        var offers = new[] { new AgentOffer("callback", "wait over target", 3, "key 3") };

        var headers = AgentContextHeaders.Build(Context(
            variables: [new AgentVariable("account", "4242"), new AgentVariable("customer_name", "Ada")], offers: offers, contacts: contacts, path: "menu[1] > wait", callId: "c1@h"));

        Assert.Equal(
        [
            "X-Ivr-Call-Id", "X-Ivr-Kind", "X-Ivr-Skill", "X-Ivr-Caller", "X-Ivr-Waited", "X-Ivr-Var-account", "X-Ivr-Var-customer_name",
            "X-Ivr-Contacts-24h", "X-Ivr-Contacts-7d", "X-Ivr-Last-Contact", "X-Ivr-Last-Skill", "X-Ivr-Last-Agent", "X-Ivr-Last-Outcome",
            "X-Ivr-Path", "X-Ivr-Offers",
        ], headers.Select(h => h.Key));
        var map = AsMap(headers);
        Assert.Equal("c1@h", map["X-Ivr-Call-Id"]);
        Assert.Equal("inbound", map["X-Ivr-Kind"]);
        Assert.Equal("75", map["X-Ivr-Waited"]);
        Assert.Equal("Ada", map["X-Ivr-Var-customer_name"]);
        Assert.Equal("2", map["X-Ivr-Contacts-24h"]);
        Assert.Equal("5", map["X-Ivr-Contacts-7d"]);
        Assert.Equal("2026-12-08T06:00:00Z", map["X-Ivr-Last-Contact"]);
        Assert.Equal("menu[1] > wait", map["X-Ivr-Path"]);
        Assert.Equal("callback@3: key 3", map["X-Ivr-Offers"]);
        Assert.InRange(headers.Sum(h => AgentContextHeaders.LineBytes(h.Key, h.Value)), 1, AgentContextHeaders.MaxTotalBytes);
    }

    [Fact]
    public void Build_Callback_CarriesItsIdBookingTimeAndAttempt_AndNoPath()
    {
        var callback = new AgentContext("callback-7-2", AgentContext.CallbackKind, "billing", "a1", "+33612345678", null, Queued, Queued.AddMinutes(30), 1800, "", [], [], null)
        {
            CallbackId = 7,
            BookedAt = Queued.AddMinutes(2),
            Attempt = 2,
        };

        var map = AsMap(AgentContextHeaders.Build(callback));

        Assert.Equal("callback", map["X-Ivr-Kind"]);
        Assert.Equal("7", map["X-Ivr-Callback-Id"]);
        Assert.Equal("2026-12-08T09:02:00Z", map["X-Ivr-Booked-At"]);
        Assert.Equal("2", map["X-Ivr-Attempt"]);
        Assert.Equal("1800", map["X-Ivr-Waited"]);
        Assert.False(map.ContainsKey("X-Ivr-Path"));
    }

    [Theory]
    [InlineData("Ada\r\nX-Evil: injected", "Ada X-Evil: injected")]
    [InlineData("Ada\nVia: SIP/2.0/UDP evil", "Ada Via: SIP/2.0/UDP evil")]
    [InlineData("  tab\there\u0000and\u007fdel  ", "tab here and del")]
    [InlineData("Zoë", "Zo%C3%AB")]
    [InlineData("100% sure", "100%25 sure")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    [InlineData("\U0001F600", "%F0%9F%98%80")]
    public void Sanitise_HostileOrNonAsciiValue_IsOneSafeAsciiLine(string value, string expected)
    {
        var clean = AgentContextHeaders.Sanitise(value);

        Assert.Equal(expected, clean);
        Assert.All(clean, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void Build_HostileVariable_CannotAddAHeaderLine()
    {
        var headers = AgentContextHeaders.Build(Context(variables: [new AgentVariable("tier", "gold\r\nX-Evil: 1\r\n\r\nv=0")]));

        var wire = string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\r\n"));
        Assert.Equal(headers.Count, wire.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(headers, h => h.Key == "X-Evil");
        Assert.Equal("gold X-Evil: 1 v=0", AsMap(headers)["X-Ivr-Var-tier"]);
    }

    [Fact]
    public void Sanitise_LongValue_IsCutToTheCap_EndingWithDots_NeverInsideAnEscape()
    {
        var cut = AgentContextHeaders.Sanitise(new string('x', 96) + "é" + new string('y', 50));

        Assert.Equal(AgentContextHeaders.MaxValueLength - 1, cut.Length);
        Assert.EndsWith("x...", cut, StringComparison.Ordinal);
        Assert.Equal(new string('x', 96) + "...", cut);
        Assert.Equal(AgentContextHeaders.MaxValueLength, AgentContextHeaders.Sanitise(new string('z', 500)).Length);
    }

    [Fact]
    public void Build_ManyLongVariables_StaysWithinTheTotalCap_CountsWhatItLeftOut_AndKeepsTheCoreHeaders()
    {
        var variables = Enumerable.Range(1, 20).Select(i => new AgentVariable($"note{i}", new string('n', 150))).ToArray();

        var headers = AgentContextHeaders.Build(Context(variables: variables, path: string.Join(" > ", Enumerable.Range(1, 60).Select(i => "step" + i))));

        var total = headers.Sum(h => AgentContextHeaders.LineBytes(h.Key, h.Value));
        Assert.InRange(total, 1, AgentContextHeaders.MaxTotalBytes);
        var map = AsMap(headers);
        foreach (var core in new[] { "X-Ivr-Call-Id", "X-Ivr-Kind", "X-Ivr-Skill", "X-Ivr-Caller", "X-Ivr-Waited" }) Assert.True(map.ContainsKey(core), core);
        var dropped = int.Parse(map[AgentContextHeaders.TruncatedHeader], System.Globalization.CultureInfo.InvariantCulture);
        var sent = headers.Count(h => h.Key.StartsWith(AgentContextHeaders.VariablePrefix, StringComparison.Ordinal));
        Assert.Equal(20, sent + dropped - (map.ContainsKey("X-Ivr-Path") ? 0 : 1));
        Assert.All(string.Concat(headers.Select(h => h.Value)), c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void Build_LongPath_IsShortenedToTheRoomLeft_RatherThanDropped()
    {
        var headers = AgentContextHeaders.Build(Context(
            variables: [new AgentVariable("a", new string('a', 90)), new AgentVariable("b", new string('b', 90))],
            path: string.Join(" > ", Enumerable.Range(1, 60).Select(i => "step" + i))));

        var path = AsMap(headers)["X-Ivr-Path"];
        Assert.StartsWith("step1 > step2", path, StringComparison.Ordinal);
        Assert.EndsWith("...", path, StringComparison.Ordinal);
        Assert.InRange(headers.Sum(h => AgentContextHeaders.LineBytes(h.Key, h.Value)), 1, AgentContextHeaders.MaxTotalBytes);
    }

    [Fact]
    public void Build_EmptyOrUnnamableVariable_IsLeftOut()
    {
        var map = AsMap(AgentContextHeaders.Build(Context(variables: [new AgentVariable("empty", "  "), new AgentVariable("bad name", "x"), new AgentVariable("ok", "y")])));

        Assert.False(map.ContainsKey("X-Ivr-Var-empty"));
        Assert.DoesNotContain(map.Keys, k => k.Contains(' ', StringComparison.Ordinal));
        Assert.Equal("y", map["X-Ivr-Var-ok"]);
    }
}

using Ivr.Engine.Contacts;

namespace Ivr.Tests.Contacts;

/// <summary>What every <see cref="IContactHistory"/> must do, run against each provider.</summary>
public abstract class ContactHistoryContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A history on the test's database, as a new process (or another node) opens it.</summary>
    protected abstract Task<IContactHistory> Open();

    private static ContactRecord Contact(string callId, string number, DateTimeOffset at, string? skill, string? agent = null, string outcome = "agent-hangup", string kind = "inbound") =>
        new(callId, number, at, at.AddMinutes(3), kind, kind == "inbound" ? "hotline" : null, "welcome > main_menu[1] > queue_" + (skill ?? "none"), skill, agent, outcome);

    [Fact]
    public async Task RecordAsync_ThenReopen_KeepsEveryFieldAndTheFirstRecordOfACall()
    {
        var history = await Open();
        var first = Contact("c1", "+33612345678", T0, "billing", "a1", "agent-hangup");
        await history.RecordAsync(first);
        await history.RecordAsync(first with { Outcome = "other", Agent = "a9" });

        var reopened = await Open();
        var contacts = await reopened.ContactsAsync("+33612345678", T0.AddDays(-1));

        Assert.Equal([first], contacts);
    }

    [Fact]
    public async Task ContactsAsync_LastHours_OnlyThatNumbersContactsSinceThen_NewestFirst()
    {
        var history = await Open();
        await history.RecordAsync(Contact("old", "+331", T0.AddHours(-30), "billing"));
        await history.RecordAsync(Contact("a", "+331", T0.AddHours(-20), "billing"));
        await history.RecordAsync(Contact("b", "+331", T0.AddHours(-1), null));
        await history.RecordAsync(Contact("other", "+332", T0.AddHours(-2), "billing"));

        var last24h = await history.ContactsAsync("+331", T0.AddHours(-24));
        var limited = await history.ContactsAsync("+331", T0.AddHours(-48), limit: 2);

        Assert.Equal(["b", "a"], last24h.Select(c => c.CallId));
        Assert.Equal(["b", "a"], limited.Select(c => c.CallId));
        Assert.Empty(await history.ContactsAsync("+339", T0.AddDays(-100)));
    }

    [Theory]
    [InlineData("anonymous", "unknown", "restricted", "")]
    [InlineData("Anonymous", "sip:anonymous@anonymous.invalid", "  ", "UNKNOWN")]
    public async Task WithheldNumbers_AreNeverOneCaller_NotRepeatsAndNotListed(string a, string b, string c, string d)
    {
        var history = await Open();
        var at = T0.AddDays(-10);
        foreach (var (number, i) in new[] { a, b, c, d }.Select((n, i) => (n, i)))
            await history.RecordAsync(Contact("w" + i, number, at.AddHours(i), "billing"));
        await history.RecordAsync(Contact("known1", "+331", at, "billing"));
        await history.RecordAsync(Contact("known2", "+331", at.AddHours(2), "billing"));

        var rates = await history.RepeatContactsAsync(T0.AddDays(-30), T0);

        // Only the known number's two contacts count, and only its first is a repeat.
        Assert.Equal([new RepeatContactRate("billing", 2, 1, 1)], rates);
        foreach (var number in new[] { "anonymous", "unknown", "restricted", "", "Anonymous" })
        {
            Assert.Empty(await history.ContactsAsync(number, T0.AddDays(-30)));
            Assert.Equal(0, (await history.CallerAsync(number, T0.AddDays(-30))).Contacts);
        }
    }

    [Fact]
    public async Task CallerAsync_CountsTheWindow_AndNamesTheLastSkillAndAgentEverReached()
    {
        var history = await Open();
        await history.RecordAsync(Contact("c1", "+331", T0.AddDays(-3), "sales", "a7"));
        await history.RecordAsync(Contact("c2", "+331", T0.AddHours(-5), "billing", "a1"));
        await history.RecordAsync(Contact("c3", "+331", T0.AddHours(-2), "support", null, "caller-hangup"));
        await history.RecordAsync(Contact("c4", "+331", T0.AddHours(-1), null, null, "completed"));

        var caller = await history.CallerAsync("+331", T0.AddHours(-24));
        var stranger = await history.CallerAsync("+339", T0.AddHours(-24));

        Assert.Equal(new CallerHistory("+331", 3, T0.AddHours(-1), "support", "a1"), caller);
        Assert.Equal(new CallerHistory("+339", 0, null, null, null), stranger);
    }

    [Fact]
    public async Task RepeatContactsAsync_PerSkill_CountsInboundCallsAgainWithin24hAnd7d()
    {
        var history = await Open();
        // billing: n1 calls again after 2 h (24 h and 7 d), n2 after 3 days (7 d only), n3 never; n4's next is a callback (not a repeat).
        await history.RecordAsync(Contact("b1", "n1", T0, "billing"));
        await history.RecordAsync(Contact("b1-again", "n1", T0.AddHours(2), null));
        await history.RecordAsync(Contact("b2", "n2", T0.AddHours(1), "billing"));
        await history.RecordAsync(Contact("b2-again", "n2", T0.AddDays(3), "support"));
        await history.RecordAsync(Contact("b3", "n3", T0.AddHours(2), "billing"));
        await history.RecordAsync(Contact("b4", "n4", T0.AddHours(3), "billing"));
        await history.RecordAsync(Contact("callback-1-1", "n4", T0.AddHours(4), "billing", "a1", kind: "callback"));
        // support: n5 calls again after 8 days (neither); anonymous callers are left out.
        await history.RecordAsync(Contact("s1", "n5", T0.AddHours(5), "support"));
        await history.RecordAsync(Contact("s1-again", "n5", T0.AddDays(8), "support"));
        await history.RecordAsync(Contact("anon1", "", T0.AddHours(6), "support"));
        await history.RecordAsync(Contact("anon2", "", T0.AddHours(7), "support"));
        // Before the period: not counted.
        await history.RecordAsync(Contact("early", "n6", T0.AddDays(-1), "billing"));

        var rates = await history.RepeatContactsAsync(T0, T0.AddDays(1));

        Assert.Equal(
            [new RepeatContactRate("billing", 4, 1, 2), new RepeatContactRate("support", 1, 0, 0)],
            rates);
        Assert.Equal(0.25, rates[0].Rate24h);
        Assert.Equal(0.5, rates[0].Rate7d);
        Assert.Empty(await history.RepeatContactsAsync(T0.AddYears(-1), T0.AddYears(-1).AddDays(1)));
    }
}

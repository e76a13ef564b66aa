using Ivr.Engine.Routing;
using Ivr.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Ops;

/// <summary>
/// The dashboard's per-skill tiles in headless chromium, over a real engine host whose <see cref="ISkillStatusSource"/>
/// is fed through the router's own queue, wait meter and agent pool (the router itself is wired on another branch).
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.B)]
public class DashboardSkillTilesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SkillTiles_ShowWhatTheSkillSourceComputes_AndFollowANewCaller()
    {
        var browserDir = BrowserTools.EnsureInstalled();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var skills = new RouterFedSkills(clock);
        skills.AddSkill("billing");
        skills.AddSkill("sales");
        skills.AddAgent("ann", "billing", AgentState.Ready);
        skills.AddAgent("bob", "billing", AgentState.Talking);
        foreach (var caller in new[] { "c1", "c2", "c3" })
        {
            skills.Arrive("billing", caller);
            clock.Advance(TimeSpan.FromSeconds(10));
        }
        skills.Answer("billing", "c1", TimeSpan.FromMinutes(3));
        skills.Abandon("billing", "c2");
        skills.CallbackDialled("billing", reached: false);
        skills.MessageRecorded("billing");
        await using var host = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISkillStatusSource>(skills);
            OpsHost.InProcessPlugs(services);
        });
        var expected = skills.Snapshot().Single(s => s.Skill == "billing");
        using var browser = BrowserTools.Start(browserDir, "skills-check.mjs", host.Http.BaseAddress!.ToString().TrimEnd('/'), "billing");

        var first = await browser.NextEventAsync(Bound);
        skills.Arrive("billing", "c4");
        var updated = await browser.NextEventAsync(Bound);

        Assert.True(updated.GetProperty("event").GetString() == "updated", "the tile did not follow: " + updated + "\n" + browser.Errors);
        Assert.Empty(updated.GetProperty("problems").EnumerateArray());
        var billing = first.GetProperty("tiles").GetProperty("billing");
        Assert.Equal(expected.Waiting.ToString(System.Globalization.CultureInfo.InvariantCulture), billing.GetProperty("waiting").GetString());
        Assert.Equal("1", billing.GetProperty("waiting").GetString());
        Assert.Equal($"{Math.Round(expected.LongestWait.TotalSeconds)} s", billing.GetProperty("longest").GetString());
        Assert.Equal("50.0 %", billing.GetProperty("abandonment").GetString());
        Assert.Equal("ready 1, talking 1", billing.GetProperty("agents").GetString());
        Assert.Equal("0 pending · 1 dialled · 1 failed", billing.GetProperty("callbacks").GetString());
        Assert.Equal("1", billing.GetProperty("messages").GetString());
        Assert.Equal(("0", "none"), (first.GetProperty("tiles").GetProperty("sales").GetProperty("waiting").GetString(), first.GetProperty("tiles").GetProperty("sales").GetProperty("agents").GetString()));
        Assert.Equal("2", updated.GetProperty("tiles").GetProperty("billing").GetProperty("waiting").GetString());
    }
}

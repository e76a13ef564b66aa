using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class AnnouncedWaitTests
{
    [Theory]
    [InlineData(0.5, "less than a minute")]
    [InlineData(1.2, "1 to 2 minutes")]
    [InlineData(3.9, "2 to 4 minutes")]
    [InlineData(4.5, "4 to 5 minutes")]
    [InlineData(7, "5 to 10 minutes")]
    [InlineData(12, "10 to 15 minutes")]
    [InlineData(75, "more than an hour")]
    public void From_Estimate_RoundsToRange(double minutes, string text)
    {
        Assert.Equal(text, AnnouncedWait.From(TimeSpan.FromMinutes(minutes)).Text);
    }

    [Fact]
    public void Announce_LongerEstimateSameStaffing_NeverGoesUp()
    {
        var announcer = new WaitAnnouncer();

        var first = announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 10);
        var second = announcer.Announce(TimeSpan.FromMinutes(8), staffedAgents: 10);
        var third = announcer.Announce(TimeSpan.FromSeconds(30), staffedAgents: 12);
        var fourth = announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 12);

        Assert.Equal("2 to 4 minutes", first.Text);
        Assert.Equal("2 to 4 minutes", second.Text);
        Assert.Equal("less than a minute", third.Text);
        Assert.Equal("less than a minute", fourth.Text);
    }

    [Fact]
    public void Announce_FewerAgentsStaffed_MayGoUp()
    {
        var announcer = new WaitAnnouncer();
        announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 10);

        var after = announcer.Announce(TimeSpan.FromMinutes(8), staffedAgents: 7);

        Assert.Equal("5 to 10 minutes", after.Text);
    }

    [Fact]
    public void Announce_AfterReset_MayGoUp()
    {
        var announcer = new WaitAnnouncer();
        announcer.Announce(TimeSpan.FromMinutes(1.5), staffedAgents: 10);
        announcer.Reset();

        Assert.Equal("2 to 4 minutes", announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 10).Text);
    }
}

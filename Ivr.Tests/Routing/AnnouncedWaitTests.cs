using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

/// <summary>
/// The announced range is values (its bounds in minutes); the words a caller hears for it come from the engine's prompts
/// (<see cref="Ivr.Engine.Calls.EnginePrompts.ExpectedWait"/>, tested in <c>EnginePromptsTests</c>).
/// </summary>
public class AnnouncedWaitTests
{
    [Theory]
    [InlineData(0.5, 0, 0.0, 1.0)]
    [InlineData(1.2, 1, 1.0, 2.0)]
    [InlineData(3.9, 2, 2.0, 4.0)]
    [InlineData(4.5, 3, 4.0, 5.0)]
    [InlineData(7, 4, 5.0, 10.0)]
    [InlineData(12, 5, 10.0, 15.0)]
    [InlineData(59.9, 14, 55.0, 60.0)]
    [InlineData(75, 15, 60.0, null)]
    public void From_Estimate_RoundsToRange(double minutes, int bucket, double low, double? high)
    {
        var wait = AnnouncedWait.From(TimeSpan.FromMinutes(minutes));

        Assert.Equal((bucket, low, high), Minutes(wait));
    }

    [Fact]
    public void Announce_LongerEstimateSameStaffing_NeverGoesUp()
    {
        var announcer = new WaitAnnouncer();

        var first = announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 10);
        var second = announcer.Announce(TimeSpan.FromMinutes(8), staffedAgents: 10);
        var third = announcer.Announce(TimeSpan.FromSeconds(30), staffedAgents: 12);
        var fourth = announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 12);

        Assert.Equal((2, 2.0, (double?)4.0), Minutes(first));
        Assert.Equal((2, 2.0, (double?)4.0), Minutes(second));
        Assert.Equal((0, 0.0, (double?)1.0), Minutes(third));
        Assert.Equal((0, 0.0, (double?)1.0), Minutes(fourth));
        Assert.Same(fourth, announcer.Last);
    }

    [Fact]
    public void Announce_FewerAgentsStaffed_MayGoUp()
    {
        var announcer = new WaitAnnouncer();
        announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 10);

        var after = announcer.Announce(TimeSpan.FromMinutes(8), staffedAgents: 7);

        Assert.Equal((4, 5.0, (double?)10.0), Minutes(after));
    }

    [Fact]
    public void Announce_AfterReset_MayGoUp()
    {
        var announcer = new WaitAnnouncer();
        announcer.Announce(TimeSpan.FromMinutes(1.5), staffedAgents: 10);
        announcer.Reset();

        Assert.Equal((2, 2.0, (double?)4.0), Minutes(announcer.Announce(TimeSpan.FromMinutes(3), staffedAgents: 10)));
    }

    private static (int Bucket, double Low, double? High) Minutes(AnnouncedWait wait) =>
        (wait.Bucket, wait.Low.TotalMinutes, wait.High?.TotalMinutes);
}

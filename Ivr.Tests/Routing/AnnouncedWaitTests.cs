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

    private static (int Bucket, double Low, double? High) Minutes(AnnouncedWait wait) =>
        (wait.Bucket, wait.Low.TotalMinutes, wait.High?.TotalMinutes);
}

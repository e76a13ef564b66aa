using Ivr.Engine.Surveys;

namespace Ivr.Tests.Surveys;

public class SurveyPathsTests
{
    private static readonly TimeSpan NoWait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(0, SurveyPaths.NoWait)]
    [InlineData(19.9, SurveyPaths.NoWait)]
    [InlineData(20, SurveyPaths.WaitedUnder2)]
    [InlineData(119.9, SurveyPaths.WaitedUnder2)]
    [InlineData(120, SurveyPaths.Waited2To5)]
    [InlineData(299, SurveyPaths.Waited2To5)]
    [InlineData(300, SurveyPaths.Waited5To10)]
    [InlineData(600, SurveyPaths.Waited5To10)]
    [InlineData(600.5, SurveyPaths.WaitedOver10)]
    [InlineData(7200, SurveyPaths.WaitedOver10)]
    public void Categorise_WaitBeforeTheAgent_FallsInItsBucket(double seconds, string expected) =>
        Assert.Equal(expected, SurveyPaths.Categorise(callback: false, leftMessage: false, TimeSpan.FromSeconds(seconds), NoWait));

    [Fact]
    public void Categorise_NoWaitThreshold_IsTheSetting()
    {
        Assert.Equal(SurveyPaths.NoWait, SurveyPaths.Categorise(false, false, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(60)));
        Assert.Equal(SurveyPaths.WaitedUnder2, SurveyPaths.Categorise(false, false, TimeSpan.FromSeconds(5), TimeSpan.Zero));
    }

    [Fact]
    public void Categorise_CallbackFirst_ThenMessage_ThenNoAgentIsSelfService()
    {
        Assert.Equal(SurveyPaths.Callback, SurveyPaths.Categorise(callback: true, leftMessage: true, TimeSpan.FromMinutes(3), NoWait));
        Assert.Equal(SurveyPaths.Message, SurveyPaths.Categorise(callback: false, leftMessage: true, null, NoWait));
        Assert.Equal(SurveyPaths.SelfService, SurveyPaths.Categorise(callback: false, leftMessage: false, null, NoWait));
    }

    [Fact]
    public void All_ListsEveryCategoryOnce()
    {
        Assert.Equal(8, SurveyPaths.All.Distinct().Count());
        Assert.Contains(SurveyPaths.Callback, SurveyPaths.All);
    }
}

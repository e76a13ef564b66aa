using Ivr.Engine.Surveys;

namespace Ivr.Tests.Surveys;

public class SatisfactionReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static SurveyRecord R(string id, string path, string? skill, int? q1, int? q2 = null) =>
        new(id, "+331", T0, "survey-demo", "survey", path, skill, skill is null ? null : "a1", null, q1, q2);

    [Fact]
    public void From_CountsRatesMeansAndFives_ByPathAndBySkill()
    {
        var records = new[]
        {
            R("1", SurveyPaths.NoWait, "support", 5, 4),
            R("2", SurveyPaths.NoWait, "support", 4),
            R("3", SurveyPaths.NoWait, "billing", null, null),
            R("4", SurveyPaths.Callback, "support", 5, 5),
            R("5", SurveyPaths.Callback, "billing", 5),
            R("6", SurveyPaths.Waited2To5, "support", 2, null),
            R("7", SurveyPaths.Waited2To5, "support", null, 3),
        };

        var report = SatisfactionReport.From(SurveyTally.Of(records));

        Assert.Equal([SurveyPaths.NoWait, SurveyPaths.Waited2To5, SurveyPaths.Callback], report.ByPath.Select(l => l.Name));
        var noWait = report.ByPath[0];
        Assert.Equal((3, 2, 2, 1, 9L), (noWait.Offered, noWait.Answered, noWait.Scored, noWait.VerySatisfied, noWait.ScoreSum));
        Assert.Equal(2.0 / 3, noWait.ResponseRate, 10);
        Assert.Equal(4.5, noWait.Mean);
        Assert.Equal(0.5, noWait.VerySatisfiedShare);
        Assert.Equal(4.0, noWait.Q2Mean);
        var waited = report.ByPath[1];
        Assert.Equal((2, 2, 1, 0), (waited.Offered, waited.Answered, waited.Scored, waited.VerySatisfied));
        Assert.Equal(1.0, waited.ResponseRate);
        Assert.Equal(0.0, waited.VerySatisfiedShare);
        var callback = report.ByPath[2];
        Assert.Equal(1.0, callback.VerySatisfiedShare);
        Assert.Equal(5.0, callback.Mean);

        Assert.Equal(["billing", "support"], report.BySkill.Select(l => l.Name));
        Assert.Equal((2, 1, 1), (report.BySkill[0].Offered, report.BySkill[0].Answered, report.BySkill[0].VerySatisfied));
        Assert.Equal((5, 5, 4, 2), (report.BySkill[1].Offered, report.BySkill[1].Answered, report.BySkill[1].Scored, report.BySkill[1].VerySatisfied));
        Assert.Equal(4.0, report.BySkill[1].Mean);
        Assert.Equal((7, 6, 5, 3), (report.Total.Offered, report.Total.Answered, report.Total.Scored, report.Total.VerySatisfied));
        Assert.Equal(21.0 / 5, report.Total.Mean);
    }

    [Fact]
    public void From_NothingAnswered_RatesAreZeroAndMeansAbsent_NotDividedByZero()
    {
        var report = SatisfactionReport.From(SurveyTally.Of([R("1", SurveyPaths.Message, null, null)]));

        var line = Assert.Single(report.ByPath);
        Assert.Equal(0, line.ResponseRate);
        Assert.Null(line.Mean);
        Assert.Null(line.VerySatisfiedShare);
        Assert.Equal(string.Empty, Assert.Single(report.BySkill).Name);
    }

    [Fact]
    public void From_NoSurveys_IsAnEmptyReportWithZeroTotal()
    {
        var report = SatisfactionReport.From([]);

        Assert.Empty(report.ByPath);
        Assert.Empty(report.BySkill);
        Assert.Equal(0, report.Total.Offered);
        Assert.Equal(0, report.Total.ResponseRate);
    }
}

using Ivr.Engine.Surveys;

namespace Ivr.Tests.Surveys;

/// <summary>What every <see cref="ISurveyStore"/> must do, run against each provider.</summary>
public abstract class SurveyStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A store on the test's database, as a new process (or another node) opens it.</summary>
    protected abstract Task<ISurveyStore> Open();

    private static SurveyRecord Survey(string callId, DateTimeOffset at, string path, string? skill, int? q1, int? q2 = null) =>
        new(callId, "+33612345678", at, "survey-demo", "survey", path, skill, skill is null ? null : "agent-1", skill is null ? null : 42.5, q1, q2);

    [Fact]
    public async Task RecordAsync_ThenReopen_KeepsEveryFieldAndTheFirstRecordOfACall()
    {
        var store = await Open();
        var first = Survey("c1", T0, SurveyPaths.Waited2To5, "support", 5, 4);
        await store.RecordAsync(first);
        await store.RecordAsync(first with { Q1 = 1 });
        var unanswered = Survey("c2", T0.AddMinutes(1), SurveyPaths.Message, null, null);
        await store.RecordAsync(unanswered);

        var listed = await (await Open()).ListAsync(T0.AddDays(-1), T0.AddDays(1));

        Assert.Equal([unanswered, first], listed);
    }

    [Fact]
    public async Task TallyAsync_OnlyThePeriod_SumsAsTheInMemoryTally()
    {
        var store = await Open();
        var inPeriod = new[]
        {
            Survey("a", T0.AddDays(-2), SurveyPaths.NoWait, "support", 5, 5),
            Survey("b", T0.AddDays(-2).AddMinutes(1), SurveyPaths.NoWait, "support", 3),
            Survey("c", T0.AddDays(-1), SurveyPaths.NoWait, "billing", null, 2),
            Survey("d", T0.AddHours(-1), SurveyPaths.Callback, "support", 5),
            Survey("e", T0.AddHours(-2), SurveyPaths.Message, null, null),
        };
        foreach (var s in inPeriod) await store.RecordAsync(s);
        await store.RecordAsync(Survey("old", T0.AddDays(-40), SurveyPaths.NoWait, "support", 1));
        await store.RecordAsync(Survey("later", T0, SurveyPaths.NoWait, "support", 1));

        var tallies = await store.TallyAsync(T0.AddDays(-30), T0);

        Assert.Equal(SurveyTally.Of(inPeriod), tallies);
        var report = SatisfactionReport.From(tallies);
        Assert.Equal(5, report.Total.Offered);
        Assert.Equal(4, report.Total.Answered);
    }

    [Fact]
    public async Task TallyAsync_EmptyPeriod_NoLines()
    {
        var store = await Open();

        Assert.Empty(await store.TallyAsync(T0.AddDays(-1), T0));
        Assert.Empty(await store.ListAsync(T0.AddDays(-1), T0));
    }
}

using Ivr.Engine.Calls;
using Ivr.Engine.Surveys;
using Ivr.Flows.Runtime;
using Ivr.Tests.Routing.Callbacks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Surveys;

/// <summary>The recorder on a real board and a real SQLite store; the failing store is a fake at the database boundary.</summary>
public sealed class SurveyRecorderTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly CallBoard _board = new(TimeProvider.System, new FlowMetrics());
    private readonly SurveyMetrics _metrics = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _db.Dispose();
    }

    private CallTimeline Call(string id, SurveyTaken? survey)
    {
        var timeline = _board.Open(new CallInfo(id, "+33611111111", null, "survey-demo"), "survey-demo", "1.0.0");
        if (survey is not null) timeline.Surveyed(survey);
        _board.Close(timeline, "hangup:normal");
        return timeline;
    }

    private static SurveyTaken Taken(int? q1, int? q2, TimeSpan? waited) =>
        new("survey-demo", "survey", DateTimeOffset.UtcNow, [q1, q2], true, "support", waited is null ? null : "agent-1", waited, false, false);

    [Fact]
    public async Task ClosedCalls_WithASurvey_AreStoredWithTheirPath_OthersNot()
    {
        var store = await SqliteSurveyStore.OpenAsync(_db.Database, DateTimeOffset.UtcNow);
        var recorder = new SurveyRecorder(_board, () => Task.FromResult<ISurveyStore>(store), new SurveysOptions(), _metrics, TimeProvider.System, NullLogger<SurveyRecorder>.Instance);

        Call("quick", Taken(5, 4, TimeSpan.FromSeconds(3)));
        Call("slow", Taken(null, null, TimeSpan.FromMinutes(7)));
        Call("none", null);
        await recorder.WriteAsync();

        var stored = (await store.ListAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1))).OrderBy(s => s.CallId).ToList();
        Assert.Equal(["quick", "slow"], stored.Select(s => s.CallId));
        Assert.Equal((SurveyPaths.NoWait, 5, 4), (stored[0].Path, stored[0].Q1, stored[0].Q2));
        Assert.Equal((SurveyPaths.Waited5To10, (int?)null, false), (stored[1].Path, stored[1].Q1, stored[1].Answered));
        Assert.Equal("+33611111111", stored[0].Number);
    }

    [Fact]
    public async Task StoreDown_KeepsTheSurveyAndWritesItOnceTheStoreIsBack_NeverThrows()
    {
        var real = await SqliteSurveyStore.OpenAsync(_db.Database, DateTimeOffset.UtcNow);
        var down = true;
        var recorder = new SurveyRecorder(_board, () => down ? Task.FromException<ISurveyStore>(new TimeoutException("database down")) : Task.FromResult<ISurveyStore>(real),
            new SurveysOptions(), _metrics, TimeProvider.System, NullLogger<SurveyRecorder>.Instance);

        Call("kept", Taken(3, null, TimeSpan.FromSeconds(1)));
        await recorder.WriteAsync();
        await recorder.WriteAsync();
        Assert.Empty(await real.ListAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)));

        down = false;
        await recorder.WriteAsync();

        var stored = Assert.Single(await real.ListAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(("kept", 3), (stored.CallId, stored.Q1));
    }

    [Fact]
    public void RecordOf_SurveyOnACallback_IsTookACallback_WithTheCustomersNumber()
    {
        var timeline = _board.OpenCallback(new CallbackAttemptInfo(7, 1, "+33622222222", "ivr", "support", "agent-2"));
        timeline.Surveyed(new SurveyTaken("survey-demo", "survey", DateTimeOffset.UtcNow, [5], true, "support", "agent-2", null, false, Callback: true));

        var record = SurveyRecorder.RecordOf(timeline, TimeSpan.FromSeconds(20));

        Assert.NotNull(record);
        Assert.Equal((SurveyPaths.Callback, "+33622222222", 5), (record.Path, record.Number, record.Q1));
    }
}

namespace Ivr.Engine.Surveys;

/// <summary>The surveys offered to callers, with their path and scores (SQLite for one node, PostgreSQL shared by a cluster).</summary>
public interface ISurveyStore
{
    /// <summary>Keeps <paramref name="survey"/>, durable when the task completes; the same call id twice keeps the first.</summary>
    Task RecordAsync(SurveyRecord survey, CancellationToken cancellationToken = default);

    /// <summary>The surveys offered in [<paramref name="from"/>, <paramref name="to"/>), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SurveyRecord>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The sums by path and skill of the surveys offered in [<paramref name="from"/>, <paramref name="to"/>), ordinal order.</summary>
    Task<IReadOnlyList<SurveyTally>> TallyAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

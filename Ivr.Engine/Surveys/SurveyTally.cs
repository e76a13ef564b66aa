namespace Ivr.Engine.Surveys;

/// <summary>
/// The sums of the surveys of one path and one skill over a period, as a store adds them up: what the satisfaction report
/// is computed from (<see cref="SatisfactionReport"/>).
/// </summary>
/// <param name="Path">The path category.</param>
/// <param name="Skill">The skill, empty when the caller reached none.</param>
/// <param name="Offered">Surveys offered.</param>
/// <param name="Answered">Of those, surveys with at least one question answered.</param>
/// <param name="Q1Count">First-question answers.</param>
/// <param name="Q1Sum">Their sum.</param>
/// <param name="Q1Fives">How many were 5 ("very satisfied").</param>
/// <param name="Q2Count">Second-question answers.</param>
/// <param name="Q2Sum">Their sum.</param>
public sealed record SurveyTally(string Path, string Skill, int Offered, int Answered, int Q1Count, long Q1Sum, int Q1Fives, int Q2Count, long Q2Sum)
{
    /// <summary>Adds up <paramref name="records"/> by path and skill, the way the stores' queries do (ordinal order).</summary>
    public static IReadOnlyList<SurveyTally> Of(IEnumerable<SurveyRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records
            .GroupBy(r => (r.Path, Skill: r.Skill ?? string.Empty))
            .Select(g => new SurveyTally(
                g.Key.Path,
                g.Key.Skill,
                g.Count(),
                g.Count(r => r.Answered),
                g.Count(r => r.Q1 is not null),
                g.Sum(r => (long)(r.Q1 ?? 0)),
                g.Count(r => r.Q1 == 5),
                g.Count(r => r.Q2 is not null),
                g.Sum(r => (long)(r.Q2 ?? 0))))
            .OrderBy(t => t.Path, StringComparer.Ordinal)
            .ThenBy(t => t.Skill, StringComparer.Ordinal)
            .ToList();
    }
}

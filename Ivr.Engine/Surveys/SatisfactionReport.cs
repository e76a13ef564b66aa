namespace Ivr.Engine.Surveys;

/// <summary>
/// Satisfaction by path and by skill: surveys offered and answered, the response rate, the mean of the first question
/// (1–5) and the "very satisfied" share (5/5 among its answers), with the counts they come from.
/// </summary>
/// <param name="ByPath">One line per path category that had surveys, in <see cref="SurveyPaths.All"/> order.</param>
/// <param name="BySkill">One line per skill (empty name: no skill), ordinal order.</param>
/// <param name="Total">Every survey of the period.</param>
public sealed record SatisfactionReport(IReadOnlyList<SatisfactionLine> ByPath, IReadOnlyList<SatisfactionLine> BySkill, SatisfactionLine Total)
{
    /// <summary>Computes the report from the stores' sums.</summary>
    public static SatisfactionReport From(IReadOnlyList<SurveyTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        var byPath = tallies.GroupBy(t => t.Path)
            .OrderBy(g => Rank(g.Key))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => SatisfactionLine.Sum(g.Key, g))
            .ToList();
        var bySkill = tallies.GroupBy(t => t.Skill)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => SatisfactionLine.Sum(g.Key, g))
            .ToList();
        return new SatisfactionReport(byPath, bySkill, SatisfactionLine.Sum("all", tallies));
    }

    // Known categories in their order, anything else after them.
    private static int Rank(string path)
    {
        for (var i = 0; i < SurveyPaths.All.Count; i++)
        {
            if (string.Equals(SurveyPaths.All[i], path, StringComparison.Ordinal)) return i;
        }
        return int.MaxValue;
    }
}

/// <summary>One line of the satisfaction report.</summary>
/// <param name="Name">The path category or the skill.</param>
/// <param name="Offered">Surveys offered.</param>
/// <param name="Answered">Surveys with at least one answer.</param>
/// <param name="Scored">First-question answers (the base of the mean and of the 5/5 share).</param>
/// <param name="VerySatisfied">First-question answers of 5.</param>
/// <param name="ScoreSum">Sum of the first-question answers.</param>
/// <param name="Q2Scored">Second-question answers.</param>
/// <param name="Q2Sum">Their sum.</param>
public sealed record SatisfactionLine(string Name, int Offered, int Answered, int Scored, int VerySatisfied, long ScoreSum, int Q2Scored, long Q2Sum)
{
    /// <summary>Answered / offered (0 when none was offered).</summary>
    public double ResponseRate => Offered == 0 ? 0 : (double)Answered / Offered;

    /// <summary>The mean first-question score, null with no answer.</summary>
    public double? Mean => Scored == 0 ? null : (double)ScoreSum / Scored;

    /// <summary>VerySatisfied / scored, null with no answer.</summary>
    public double? VerySatisfiedShare => Scored == 0 ? null : (double)VerySatisfied / Scored;

    /// <summary>The mean second-question score, null with no answer.</summary>
    public double? Q2Mean => Q2Scored == 0 ? null : (double)Q2Sum / Q2Scored;

    /// <summary>The sum of <paramref name="tallies"/> under <paramref name="name"/>.</summary>
    public static SatisfactionLine Sum(string name, IEnumerable<SurveyTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        int offered = 0, answered = 0, scored = 0, fives = 0, q2 = 0;
        long sum = 0, q2Sum = 0;
        foreach (var t in tallies)
        {
            offered += t.Offered;
            answered += t.Answered;
            scored += t.Q1Count;
            fives += t.Q1Fives;
            sum += t.Q1Sum;
            q2 += t.Q2Count;
            q2Sum += t.Q2Sum;
        }
        return new SatisfactionLine(name, offered, answered, scored, fives, sum, q2, q2Sum);
    }
}

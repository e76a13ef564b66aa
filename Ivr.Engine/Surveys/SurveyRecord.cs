namespace Ivr.Engine.Surveys;

/// <summary>One survey offered to a caller, as stored: who, the path they took, and the scores (null = unanswered).</summary>
/// <param name="CallId">The call's id: a call's survey is kept once.</param>
/// <param name="Number">The caller's number (empty when withheld).</param>
/// <param name="OfferedAt">When the survey step was entered.</param>
/// <param name="Flow">The flow whose survey step ran.</param>
/// <param name="Step">The survey step.</param>
/// <param name="Path">The path category (<see cref="SurveyPaths"/>).</param>
/// <param name="Skill">The skill the caller was queued for or served on, null if none.</param>
/// <param name="Agent">The agent who served them, null if none.</param>
/// <param name="WaitedSeconds">How long they waited for the agent, null if no agent answered.</param>
/// <param name="Q1">The first question's score 1–5, or null.</param>
/// <param name="Q2">The second question's score 1–5, or null (also when the survey has one question).</param>
public sealed record SurveyRecord(
    string CallId,
    string Number,
    DateTimeOffset OfferedAt,
    string Flow,
    string Step,
    string Path,
    string? Skill,
    string? Agent,
    double? WaitedSeconds,
    int? Q1,
    int? Q2)
{
    /// <summary>True when at least one question was answered.</summary>
    public bool Answered => Q1 is not null || Q2 is not null;
}

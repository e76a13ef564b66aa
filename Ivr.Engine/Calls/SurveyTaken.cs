namespace Ivr.Engine.Calls;

/// <summary>
/// A survey a call was offered (a <c>survey</c> step was entered) and where its answers stand, with the facts of the caller's
/// path the call knows: kept on the call's <see cref="CallTimeline"/> for whoever stores surveys when the call ends.
/// </summary>
/// <param name="Flow">The flow whose survey step ran.</param>
/// <param name="Step">The survey step.</param>
/// <param name="OfferedAt">When the step was entered.</param>
/// <param name="Scores">Per question: 1–5, or null while unanswered (and for a skipped question).</param>
/// <param name="Finished">True once every question was answered or skipped.</param>
/// <param name="Skill">The skill the caller was queued for or served on, null if none.</param>
/// <param name="Agent">The agent the caller talked to, null if none.</param>
/// <param name="Waited">How long the caller waited in line before the agent answered, null if no agent answered.</param>
/// <param name="LeftMessage">True when the caller left a message (a <c>message</c> step kept one) before the survey.</param>
/// <param name="Callback">True when the survey ran on a callback (the customer's leg), not on a caller's call.</param>
public sealed record SurveyTaken(
    string Flow,
    string Step,
    DateTimeOffset OfferedAt,
    IReadOnlyList<int?> Scores,
    bool Finished,
    string? Skill,
    string? Agent,
    TimeSpan? Waited,
    bool LeftMessage,
    bool Callback);

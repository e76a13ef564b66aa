namespace Ivr.Flows.Runtime;

/// <summary>
/// Where a <c>survey</c> step stands, for the host to keep: emitted when the step is entered (offered, nothing answered),
/// after each question is answered or skipped, and once more, <paramref name="Finished"/>, before the thank-you prompt.
/// </summary>
/// <param name="Step">The survey step's name.</param>
/// <param name="Scores">One entry per question: 1–5, or null while unanswered (and for a skipped question).</param>
/// <param name="Finished">True once every question was answered or skipped.</param>
public sealed record SurveyEffect(string Step, IReadOnlyList<int?> Scores, bool Finished) : FlowEffect;

using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>Queue the caller for a skill; the host reports <see cref="FlowRun.QueueResult"/>.</summary>
/// <param name="Skill">The skill queue.</param>
/// <param name="Priority">0–9, higher first.</param>
/// <param name="Offer">When to offer a callback or message, or null for never.</param>
/// <param name="Announce">Periodic position / wait announcements, or null.</param>
/// <param name="Hold">Hold audio, resolved for the call's locale (empty = host default).</param>
/// <param name="OfferPrompt">The offer prompt, resolved (empty = host default).</param>
/// <param name="Overflow">Move to another skill after a while, or null.</param>
/// <param name="MaxWait">Give up (result <see cref="QueueOutcome.Failed"/>) after this long, or null.</param>
public sealed record EnqueueEffect(
    string Skill,
    int Priority,
    OfferPolicy? Offer,
    QueueAnnounce? Announce,
    IReadOnlyList<ResolvedPrompt> Hold,
    IReadOnlyList<ResolvedPrompt> OfferPrompt,
    QueueOverflow? Overflow,
    TimeSpan? MaxWait) : FlowEffect
{
    /// <summary>The agent to offer the caller to first (the step's <c>preferLastAgent</c> applied to the history), or null.</summary>
    public PreferredAgent? PreferAgent { get; init; }

    /// <summary>The names of the flow variables shown to the agent (the step's <c>forAgent</c>), in order; empty: none.</summary>
    public IReadOnlyList<string> ForAgent { get; init; } = [];
}

namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>What the contact history says of the caller's number before this call.</summary>
/// <param name="Last24Hours">Contacts (inbound and callbacks) that started in the 24 hours before.</param>
/// <param name="Last7Days">Contacts that started in the 7 days before.</param>
/// <param name="LastContactAt">When the latest contact started, any time; null for a first-time caller.</param>
/// <param name="LastSkill">The skill of the latest contact that reached a skill.</param>
/// <param name="LastAgent">The agent of the latest contact that reached an agent.</param>
/// <param name="LastOutcome">How the latest contact ended (its outcome, as in <c>/api/calls</c>).</param>
public sealed record PreviousContacts(int Last24Hours, int Last7Days, DateTimeOffset? LastContactAt, string? LastSkill, string? LastAgent, string? LastOutcome);

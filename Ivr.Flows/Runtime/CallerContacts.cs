using System.Globalization;

namespace Ivr.Flows.Runtime;

/// <summary>
/// What the contact history says of the caller when the call starts (the last 7 days); fills the read-only
/// <c>caller.contactsLast24h</c>, <c>caller.contactsLast7d</c>, <c>caller.lastSkill</c>, <c>caller.lastAgent</c>,
/// <c>caller.lastOutcome</c>, <c>caller.lastContactMinutesAgo</c> and <c>caller.lastAgentMinutesAgo</c>.
/// </summary>
/// <param name="Last24h">Contacts that started in the last 24 hours.</param>
/// <param name="Last7d">Contacts that started in the last 7 days.</param>
/// <param name="LastSkill">The skill of the latest contact that reached a skill, null if none did.</param>
/// <param name="LastAgent">The agent of the latest contact that reached an agent, null if none did.</param>
/// <param name="LastOutcome">How the latest contact ended, null for a first-time caller.</param>
/// <param name="LastContactMinutesAgo">Whole minutes since the latest contact started, null for a first-time caller.</param>
/// <param name="LastAgentMinutesAgo">Whole minutes since the contact with <paramref name="LastAgent"/> started, null without one.</param>
public sealed record CallerContacts(
    int Last24h,
    int Last7d,
    string? LastSkill = null,
    string? LastAgent = null,
    string? LastOutcome = null,
    int? LastContactMinutesAgo = null,
    int? LastAgentMinutesAgo = null)
{
    /// <summary>A first-time or withheld caller, or a history that could not be read: counts 0, the rest empty.</summary>
    public static CallerContacts None { get; } = new(0, 0);

    /// <summary>The variables this fills, by name, as the flow reads them (numbers as invariant integers, unknowns empty).</summary>
    public IEnumerable<KeyValuePair<string, string>> Variables()
    {
        yield return new("caller.contactsLast24h", Last24h.ToString(CultureInfo.InvariantCulture));
        yield return new("caller.contactsLast7d", Last7d.ToString(CultureInfo.InvariantCulture));
        yield return new("caller.lastSkill", LastSkill ?? string.Empty);
        yield return new("caller.lastAgent", LastAgent ?? string.Empty);
        yield return new("caller.lastOutcome", LastOutcome ?? string.Empty);
        yield return new("caller.lastContactMinutesAgo", LastContactMinutesAgo?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        yield return new("caller.lastAgentMinutesAgo", LastAgentMinutesAgo?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
    }
}

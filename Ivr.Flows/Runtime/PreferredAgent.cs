using System.Globalization;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>A queue step's wish to offer the caller to one agent first: the router holds the caller for them for <paramref name="Wait"/>.</summary>
/// <param name="AgentId">The agent (the caller's <c>caller.lastAgent</c>).</param>
/// <param name="Wait">How long from entering the line the caller is held for that agent.</param>
public sealed record PreferredAgent(string AgentId, TimeSpan Wait)
{
    /// <summary>
    /// The preference <paramref name="rule"/> gives for the caller's history in <paramref name="values"/>: their last agent,
    /// when the contact with them started within <see cref="PreferLastAgent.WithinHours"/>; null without a rule, without a
    /// last agent or when it is too old.
    /// </summary>
    internal static PreferredAgent? For(PreferLastAgent? rule, IReadOnlyList<string> values)
    {
        if (rule is null || values[VariableTable.CallerLastAgent] is not { Length: > 0 } agent) return null;
        if (!int.TryParse(values[VariableTable.CallerLastAgentMinutesAgo], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes > rule.WithinHours * 60)
            return null;
        return new PreferredAgent(agent, TimeSpan.FromSeconds(rule.WaitSeconds));
    }
}

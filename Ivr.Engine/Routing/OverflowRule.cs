namespace Ivr.Engine.Routing;

/// <summary>Callers of <paramref name="FromSkill"/> who have waited <paramref name="After"/> may also go to agents of <paramref name="ToSkill"/>.</summary>
/// <param name="FromSkill">The skill the caller queues for.</param>
/// <param name="ToSkill">The second skill whose agents may take the caller.</param>
/// <param name="After">Wait after which the second skill's agents are tried.</param>
public sealed record OverflowRule(string FromSkill, string ToSkill, TimeSpan After);

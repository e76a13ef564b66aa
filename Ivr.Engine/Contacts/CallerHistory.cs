namespace Ivr.Engine.Contacts;

/// <summary>What the history says of one number: how often it called lately, and the last skill and agent it had.</summary>
/// <param name="Number">The number asked about.</param>
/// <param name="Contacts">Its contacts (inbound and callbacks) that started within the window asked for.</param>
/// <param name="LastContactAt">When its latest contact started, whenever that was; null for a first-time caller.</param>
/// <param name="LastSkill">The skill of its latest contact that reached a skill, null if none ever did.</param>
/// <param name="LastAgent">The agent of its latest contact that reached an agent, null if none ever did.</param>
public sealed record CallerHistory(string Number, int Contacts, DateTimeOffset? LastContactAt, string? LastSkill, string? LastAgent);

namespace Ivr.Engine.Routing;

/// <summary>One place in a skill's line: a caller on hold, or a virtual place held for a callback.</summary>
/// <param name="Id">Caller id (the call's id, or the callback's id for a virtual place).</param>
/// <param name="Priority">0 is served first; larger numbers wait behind smaller ones.</param>
/// <param name="EnteredAt">When the caller first joined the line; a virtual place keeps this original time.</param>
/// <param name="IsCallback">True for a virtual place: the caller hung up and waits for a callback.</param>
public sealed record QueuedCaller(string Id, int Priority, DateTimeOffset EnteredAt, bool IsCallback = false)
{
    /// <summary>The agent this caller is offered to first, or null: any agent may take them.</summary>
    public AgentPreference? Prefer { get; init; }

    /// <summary>Until when the caller is held for <see cref="Prefer"/>'s agent (from <see cref="EnteredAt"/>, so a re-announced place keeps it).</summary>
    public DateTimeOffset? PreferredUntil => Prefer is { } p ? EnteredAt + p.Wait : null;
}

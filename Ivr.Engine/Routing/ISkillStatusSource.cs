namespace Ivr.Engine.Routing;

/// <summary>
/// The live figures of every skill the router serves, read by the metrics exporter, the dashboard and <c>status</c>.
/// The router implements it; until a router runs, <see cref="NoSkills"/> answers an empty list.
/// </summary>
public interface ISkillStatusSource
{
    /// <summary>A consistent snapshot of every skill at <see cref="SkillStatus.At"/>, ordered by skill name.</summary>
    IReadOnlyList<SkillStatus> Snapshot();
}

/// <summary>One skill's live state and its sliding-window figures.</summary>
/// <param name="Skill">The skill (queue) name.</param>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="Waiting">Callers waiting in the queue now (live callers plus virtual places of booked callbacks).</param>
/// <param name="LongestWait">How long the head of the queue has waited, zero when empty.</param>
/// <param name="ExpectedWait">Expected wait of a new caller (the estimator the router trusts for this skill), null when unknown.</param>
/// <param name="AgentsByState">How many agents with this skill are in each state (every state present, zero included).</param>
/// <param name="Window">Arrivals, answered, abandoned, service level, ASA, abandonment rate, patience over the window.</param>
/// <param name="CallbacksPending">Callbacks booked and not yet dialled.</param>
/// <param name="CallbacksDialled">Callback attempts dialled since start.</param>
/// <param name="CallbacksFailed">Callbacks that ended without reaching the customer since start.</param>
/// <param name="MessagesRecorded">Voice messages recorded for this skill since start.</param>
public sealed record SkillStatus(
    string Skill,
    DateTimeOffset At,
    int Waiting,
    TimeSpan LongestWait,
    TimeSpan? ExpectedWait,
    IReadOnlyDictionary<AgentState, int> AgentsByState,
    WaitMeterSnapshot Window,
    int CallbacksPending,
    long CallbacksDialled,
    long CallbacksFailed,
    long MessagesRecorded);

/// <summary>The source used when no router runs: no skills.</summary>
public sealed class NoSkills : ISkillStatusSource
{
    /// <summary>The shared instance.</summary>
    public static readonly NoSkills Instance = new();

    /// <inheritdoc />
    public IReadOnlyList<SkillStatus> Snapshot() => [];
}

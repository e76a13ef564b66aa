namespace Ivr.Engine.Routing.External;

/// <summary>The router's skills and an <see cref="ExternalQueueBoard"/>'s queues as one list, ordered by skill name.</summary>
public sealed class CombinedSkillStatus : ISkillStatusSource
{
    private readonly ISkillStatusSource _first;
    private readonly ISkillStatusSource _second;

    /// <summary>Combines <paramref name="first"/> (the router's) and <paramref name="second"/> (external queues).</summary>
    public CombinedSkillStatus(ISkillStatusSource first, ISkillStatusSource second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        _first = first;
        _second = second;
    }

    /// <inheritdoc />
    public IReadOnlyList<SkillStatus> Snapshot()
    {
        var second = _second.Snapshot();
        if (second.Count == 0) return _first.Snapshot();
        return [.. _first.Snapshot().Concat(second).OrderBy(s => s.Skill, StringComparer.Ordinal)];
    }
}

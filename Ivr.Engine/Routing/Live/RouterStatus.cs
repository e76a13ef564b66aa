namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The router's <see cref="ISkillStatusSource"/>: an immutable snapshot the <see cref="SkillRouter"/> publishes after every
/// change, swapped atomically, so readers on any thread (metrics, dashboard, HTTP) never see a half-updated skill.
/// </summary>
public sealed class RouterStatus : ISkillStatusSource
{
    private IReadOnlyList<SkillStatus> _snapshot = [];

    /// <inheritdoc />
    public IReadOnlyList<SkillStatus> Snapshot() => Volatile.Read(ref _snapshot);

    /// <summary>Replaces the snapshot (the router's thread only).</summary>
    internal void Publish(IReadOnlyList<SkillStatus> snapshot) => Volatile.Write(ref _snapshot, snapshot);
}

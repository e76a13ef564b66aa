using Akka.Actor;
using Akka.Cluster;
using Ivr.Engine.Ops;

namespace Ivr.Engine.Hosting;

/// <summary>
/// <see cref="IClusterView"/> over Akka.Cluster: this node's view of the membership (each member's name is its
/// <c>node:NAME</c> role, set from <c>Cluster:Node</c>).
/// </summary>
public sealed class AkkaClusterView : IClusterView
{
    /// <summary>The role prefix that carries a member's node name.</summary>
    public const string NodeRolePrefix = "node:";

    private readonly Func<ActorSystem?> _system;

    /// <summary>A view of <paramref name="system"/> (resolved on first use, once the actor system runs) for node <paramref name="nodeName"/>.</summary>
    public AkkaClusterView(string nodeName, Func<ActorSystem?> system)
    {
        NodeName = nodeName;
        _system = system;
    }

    /// <inheritdoc />
    public string NodeName { get; }

    /// <inheritdoc />
    public bool Clustered => true;

    /// <inheritdoc />
    public IReadOnlyList<ClusterMemberView> Members()
    {
        if (_system() is not { } system) return [new ClusterMemberView(NodeName, "", "joining", true, false, [])];
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return
        [
            .. state.Members
                .OrderBy(m => m.Address, Member.AddressOrdering)
                .Select(m => new ClusterMemberView(
                    NameOf(m),
                    m.Address.ToString(),
                    unreachable.Contains(m.Address) ? "unreachable" : m.Status.ToString().ToLowerInvariant(),
                    m.Address == cluster.SelfAddress,
                    m.Address == state.Leader,
                    [.. m.Roles.Where(r => !r.StartsWith(NodeRolePrefix, StringComparison.Ordinal))])),
        ];
    }

    private static string NameOf(Member member) =>
        member.Roles.FirstOrDefault(r => r.StartsWith(NodeRolePrefix, StringComparison.Ordinal)) is { } role
            ? role[NodeRolePrefix.Length..]
            : $"{member.Address.Host}:{member.Address.Port}";
}

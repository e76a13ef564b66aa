namespace Ivr.Engine.Ops;

/// <summary>
/// What operations read of the cluster this node belongs to: its own name and every member with its state. A single
/// node (no cluster) is a cluster of one: <see cref="SingleNodeView"/>.
/// </summary>
public interface IClusterView
{
    /// <summary>This node's name (the <c>node</c> label of its metrics).</summary>
    string NodeName { get; }

    /// <summary>True when the node runs in a cluster (Akka.Cluster), false for a single node.</summary>
    bool Clustered { get; }

    /// <summary>Every member this node knows of, itself included, in address order.</summary>
    IReadOnlyList<ClusterMemberView> Members();
}

/// <summary>A member of the cluster as the status API, <c>ivr status</c> and the dashboard show it.</summary>
/// <param name="Node">The member's node name.</param>
/// <param name="Address">Its cluster address (<c>akka.tcp://ivr@host:port</c>), empty for a single node.</param>
/// <param name="State">Akka's member status in lower case (<c>joining</c>, <c>up</c>, <c>leaving</c>, <c>exiting</c>, <c>down</c>, <c>removed</c>), <c>unreachable</c> when the failure detector says so, <c>up</c> for a single node.</param>
/// <param name="IsSelf">The member is this node.</param>
/// <param name="IsLeader">The member is the cluster's leader.</param>
/// <param name="Roles">Its roles.</param>
public sealed record ClusterMemberView(string Node, string Address, string State, bool IsSelf, bool IsLeader, IReadOnlyList<string> Roles);

/// <summary>A node running alone: a cluster of one, always up.</summary>
/// <param name="NodeName">The node's name.</param>
public sealed class SingleNodeView(string NodeName) : IClusterView
{
    /// <inheritdoc />
    public string NodeName { get; } = NodeName;

    /// <inheritdoc />
    public bool Clustered => false;

    /// <inheritdoc />
    public IReadOnlyList<ClusterMemberView> Members() => [new ClusterMemberView(NodeName, "", "up", true, true, [])];
}

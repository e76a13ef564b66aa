using Ivr.Engine.Ops;

namespace Ivr.Tests.Ops;

/// <summary>
/// A fake of the cluster membership (what Akka.Cluster tells <c>AkkaClusterView</c>, tested on its own branch): a fixed
/// list of members a test sets and changes, so the status API, <c>ivr status</c> and the dashboard can be shown a
/// cluster of three without three engines.
/// </summary>
internal sealed class FakeClusterMembership : IClusterView
{
    private IReadOnlyList<ClusterMemberView> _members;

    /// <summary>A fake cluster seen from <paramref name="self"/>, with <paramref name="members"/> (self among them).</summary>
    public FakeClusterMembership(string self, params ClusterMemberView[] members)
    {
        NodeName = self;
        _members = members;
    }

    /// <summary>Three members on 127.0.0.2–4 seen from n1: n1 up, n2 up and leader, n3 unreachable.</summary>
    public static FakeClusterMembership ThreeWithOneUnreachable() => new(
        "n1",
        Member("n1", 2, "up", self: true),
        Member("n2", 3, "up", leader: true),
        Member("n3", 4, "unreachable"));

    /// <summary>A member <paramref name="node"/> at <c>akka.tcp://ivr@127.0.0.N:4053</c> with the role <c>ivr</c>.</summary>
    public static ClusterMemberView Member(string node, int host, string state, bool self = false, bool leader = false) =>
        new(node, $"akka.tcp://ivr@127.0.0.{host}:4053", state, self, leader, ["ivr"]);

    public string NodeName { get; }

    public bool Clustered => true;

    public IReadOnlyList<ClusterMemberView> Members() => Volatile.Read(ref _members);

    /// <summary>Replaces the members (as a membership change would).</summary>
    public void Set(params ClusterMemberView[] members) => Volatile.Write(ref _members, members);
}

using System.Text.Json;
using Ivr.Engine.Ops;

namespace Ivr.Tests.Ops;

/// <summary>The single node's view of itself, its default name, and the cluster part of the status JSON.</summary>
public class ClusterViewTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void SingleNodeView_IsAClusterOfOne_ItselfUpSelfAndLeader()
    {
        var view = new SingleNodeView("n7");

        var member = Assert.Single(view.Members());

        Assert.Equal("n7", view.NodeName);
        Assert.False(view.Clustered);
        Assert.Equal(("n7", "", "up", true, true), (member.Node, member.Address, member.State, member.IsSelf, member.IsLeader));
        Assert.Empty(member.Roles);
    }

    [Fact]
    public void DefaultNodeName_WithoutClusterNode_IsMachineColonSipPort()
    {
        Assert.Equal(Environment.MachineName + ":5060", OpsServiceCollectionExtensions.DefaultNodeName(null, 5060));
        Assert.Equal(Environment.MachineName + ":15060", OpsServiceCollectionExtensions.DefaultNodeName("  ", 15060));
    }

    [Fact]
    public void DefaultNodeName_WithClusterNode_IsThatNameTrimmed()
    {
        Assert.Equal("n7", OpsServiceCollectionExtensions.DefaultNodeName("n7", 5060));
        Assert.Equal("edge-2", OpsServiceCollectionExtensions.DefaultNodeName(" edge-2 ", 5060));
    }

    [Fact]
    public void ClusterStatusOf_AFakeClusterOfThree_KeepsEveryMemberInOrder_AsTheApiNamesThem()
    {
        var status = ClusterStatus.Of(FakeClusterMembership.ThreeWithOneUnreachable());

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(status, Json));

        Assert.True(json.RootElement.GetProperty("clustered").GetBoolean());
        var members = json.RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(["n1", "n2", "n3"], members.Select(m => m.GetProperty("node").GetString()));
        Assert.Equal(["up", "up", "unreachable"], members.Select(m => m.GetProperty("state").GetString()));
        Assert.Equal([true, false, false], members.Select(m => m.GetProperty("self").GetBoolean()));
        Assert.Equal([false, true, false], members.Select(m => m.GetProperty("leader").GetBoolean()));
        Assert.Equal("akka.tcp://ivr@127.0.0.4:4053", members[2].GetProperty("address").GetString());
        Assert.Equal(["ivr"], members[0].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["node", "address", "state", "self", "leader", "roles"], members[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void ClusterStatusOf_ASingleNode_IsNotClustered_WithItselfAsTheOnlyMember()
    {
        var status = ClusterStatus.Of(new SingleNodeView("vm:5060"));

        Assert.False(status.Clustered);
        var self = Assert.Single(status.Members);
        Assert.Equal(("vm:5060", "", "up", true, true), (self.Node, self.Address, self.State, self.Self, self.Leader));
    }
}

using Ivr.Flows.Linting;
using Ivr.Flows.Model.Steps;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class FlowGraphTests
{
    private static bool[,] Closure(FlowGraph g)
    {
        var n = g.Steps.Count;
        var r = new bool[n, n];
        for (var i = 0; i < n; i++)
        {
            r[i, i] = true;
            foreach (var j in g.Successors(i)) r[i, j] = true;
        }
        for (var k = 0; k < n; k++)
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    r[i, j] |= r[i, k] && r[k, j];
        return r;
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Build_AnyGraph_ComponentsAreExactlyTheMutuallyReachableSteps(byte[] edges)
    {
        edges ??= [];
        const int n = 7;
        var steps = Enumerable.Range(0, n).Select(i =>
        {
            var picks = edges.Skip(i * 2).Take(2).Select(b => $"s{b % n}").ToArray();
            return picks.Length switch
            {
                0 => (Step)Hangup($"s{i}"),
                1 => Goto($"s{i}", picks[0]),
                _ => Menu($"s{i}", picks[1], Choice($"s{i}", 0, picks[0], ["1"])),
            };
        });
        var g = FlowGraph.Build(Create(steps));
        var r = Closure(g);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                if ((g.ComponentOf[i] == g.ComponentOf[j]) != (r[i, j] && r[j, i])) return false;
        return true;
    }

    [Fact]
    public void Build_QueueAndTransfer_EndTheCall()
    {
        var g = FlowGraph.Build(Create([Play("a", "q"), Queue("q", "a")]));

        Assert.True(g.CanEnd[0]);
        Assert.True(FlowGraph.Ends(g.Steps[1]));
        Assert.False(FlowGraph.Ends(g.Steps[0]));
    }
}

using Ivr.Flows.Graph;
using Ivr.Flows.Runtime;

namespace Ivr.Tests.Flows.Runtime;

public class FlowGraphTests
{
    [Fact]
    public void ToDot_RendersStatelessInfo_WithStepNamesAndLinkLabels()
    {
        var dot = FlowGraph.ToDot(FlowCompiler.Compile(TestFlows.Hotline()));

        Assert.StartsWith("digraph", dot.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("\"main\"", dot, StringComparison.Ordinal);
        Assert.Contains("1/billing", dot, StringComparison.Ordinal);
        Assert.Contains("onExhausted", dot, StringComparison.Ordinal);
        Assert.Contains("\"main\" -> \"account\"", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMermaid_HasOneNodePerStep_ShapedByKind_AndLabelledEdges()
    {
        var flow = FlowCompiler.Compile(TestFlows.Hotline());

        var mermaid = FlowGraph.ToMermaid(flow);

        Assert.StartsWith("flowchart TD\n", mermaid, StringComparison.Ordinal);
        var main = flow.FindStep("main")!.Index;
        var account = flow.FindStep("account")!.Index;
        Assert.Contains($"s{main}{{\"main<br/>menu\"}}", mermaid, StringComparison.Ordinal);
        Assert.Contains($"s{main} -->|\"1/billing\"| s{account}", mermaid, StringComparison.Ordinal);
        Assert.Contains("((\"goodbye<br/>hangup\"))", mermaid, StringComparison.Ordinal);
        Assert.Equal(flow.Steps.Sum(s => s.Edges.Count), mermaid.Split('\n').Count(l => l.Contains("-->|", StringComparison.Ordinal)));
    }

    [Fact]
    public void ToMermaid_MessageWithOnError_HasItsErrorEdge()
    {
        var flow = FlowCompiler.Compile(F.Flow("m", "m",
        [
            F.Message("m", "thanks") with { Skill = "billing", OnError = "sorry" },
            F.Hangup("thanks"),
            F.Hangup("sorry"),
        ]));

        var mermaid = FlowGraph.ToMermaid(flow);

        var (m, thanks, sorry) = (flow.FindStep("m")!.Index, flow.FindStep("thanks")!.Index, flow.FindStep("sorry")!.Index);
        Assert.Contains($"s{m} -->|\"next\"| s{thanks}", mermaid, StringComparison.Ordinal);
        Assert.Contains($"s{m} -->|\"error\"| s{sorry}", mermaid, StringComparison.Ordinal);
    }
}

using Ivr.Flows.Model;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class FlowCompilerTests
{
    [Fact]
    public void Compile_IndexesStepsAndEdgesInLinkOrder()
    {
        var flow = FlowCompiler.Compile(TestFlows.Hotline());

        Assert.Equal(("hotline", "1.0.0", "welcome"), (flow.Id, flow.Version, flow.Start.Name));
        var main = flow.FindStep("main")!;
        Assert.Equal(["1/billing", "2/support", "3/sales", "9", "onExhausted"], main.Edges.Select(e => e.Label));
        Assert.Equal("support_queue", main.Edges[^1].Target.Name);
        Assert.Equal(Enumerable.Range(0, flow.Steps.Count), flow.Steps.Select(s => s.Index));
        Assert.Contains("account", flow.VariableNames);
    }

    [Fact]
    public void Compile_UnknownTargetPromptAndCalendar_Throw()
    {
        var doc = Flow("bad", "a",
        [
            Play("a", Named("nope"), "b"),
            Branch("b", "zzz", (Open("cal"), "a")),
        ]);

        var ex = Assert.Throws<FlowCompileException>(() => FlowCompiler.Compile(doc));

        Assert.Contains(ex.Errors, e => e.Contains("unknown prompt 'nope'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("unknown step 'zzz'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("unknown calendar 'cal'", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_UnknownStart_AndBadRegex_Throw()
    {
        var doc = Flow("bad", "missing",
        [
            Digits("d", Text("x"), "v", 3, "d", "d") with { Pattern = "([" },
        ]);

        var ex = Assert.Throws<FlowCompileException>(() => FlowCompiler.Compile(doc));

        Assert.Contains(ex.Errors, e => e.Contains("unknown start step", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("invalid regular expression", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_SelfLoop_IsAReentryTransition()
    {
        var flow = FlowCompiler.Compile(Flow("self", "m",
            [Menu("m", Text("Again?"), "m", Choice("9", "m"))]));
        var host = new RecordingHost();
        var run = flow.CreateRun(host, Call(), TimeProvider.System);
        run.Start();

        run.Digit('9');

        Assert.Equal(2, host.Of<PlayEffect>().Count());
        Assert.Equal("m", run.CurrentStep);
    }

    [Fact]
    public void Compile_ConstantPrompts_AreSharedBetweenCalls()
    {
        var flow = FlowCompiler.Compile(TestFlows.Hotline());
        var h1 = new RecordingHost();
        var h2 = new RecordingHost();

        flow.CreateRun(h1, Call(), TimeProvider.System).Start();
        flow.CreateRun(h2, Call(), TimeProvider.System).Start();

        Assert.Same(h1.Last<PlayEffect>().Prompts, h2.Last<PlayEffect>().Prompts);
    }
}

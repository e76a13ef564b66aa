using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class FlowRunCostTests
{
    private sealed class NullHost : IFlowHost
    {
        public void Execute(FlowEffect effect)
        {
        }
    }

    private static FlowDocument Padded(int extra)
    {
        var steps = new List<Step>
        {
            Menu("main", Text("Main."), "q", Choice("1", "account", "billing"), Choice("2", "q", "support")),
            Digits("account", Text("Account?"), "account", 8, "q", "q") with { Min = 6 },
            Queue("q", "billing", "bye", "bye", "bye"),
            Hangup("bye"),
        };
        for (var i = 0; i < extra; i++) steps.Add(Play($"pad{i}", Text("x"), i + 1 < extra ? $"pad{i + 1}" : "bye"));
        return Flow("padded", "main", steps);
    }

    private static long OneCall(CompiledFlow flow)
    {
        var host = new NullHost();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var run = flow.CreateRun(host, Call(), TimeProvider.System);
        run.Start();
        run.PromptFinished();
        run.Digit('1');
        run.PromptFinished();
        foreach (var k in "12345678") run.Digit(k);
        run.QueueResult(QueueOutcome.Connected);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("connected:billing", run.Outcome?.Code);
        return bytes;
    }

    [Fact]
    public void OneCall_AllocatesUnder4KB_WhateverTheFlowSize()
    {
        var small = FlowCompiler.Compile(Padded(5));
        var large = FlowCompiler.Compile(Padded(2000));
        for (var i = 0; i < 50; i++)
        {
            OneCall(small);
            OneCall(large);
        }

        var smallBytes = OneCall(small);
        var largeBytes = OneCall(large);

        Assert.InRange(smallBytes, 1, 4096);
        Assert.Equal(smallBytes, largeBytes);
    }
}

using Ivr.Engine.Cli;
using Ivr.Flows.Diagnostics;

namespace Ivr.Tests.Flows.Simulation;

public class SampleFlowTests
{
    [Fact]
    public void EverySampleFlow_ValidatesWithZeroErrors()
    {
        Assert.NotEmpty(SampleFlows.Files);
        foreach (var file in SampleFlows.Files)
        {
            var errors = FlowCommands.Check(file, null).Where(d => d.Severity == Severity.Error).ToList();
            Assert.True(errors.Count == 0, $"{file}: {string.Join(Environment.NewLine, errors)}");
        }
    }

    [Fact]
    public void EverySampleFlow_Compiles()
    {
        Assert.Equal(SampleFlows.Files.Count, SampleFlows.Compiled.Count);
    }
}

using System.Text.Json;
using Ivr.Engine.Cli;

namespace Ivr.Tests.Routing.Cli;

/// <summary>The <c>router</c> CLI; kept under Routing so the routing test filter runs it.</summary>
public sealed class RouterCommandsTests
{
    [Fact]
    public async Task Simulate_ShortRun_PrintsOffOnTable()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await CliApp.RunAsync(
            ["router", "simulate", "--arrivals-per-min", "48", "--handle-min", "1", "--patience-min", "2", "--agents", "50", "--minutes", "20", "--seed", "3"],
            new CliConsole(TextReader.Null, output, error));

        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.Contains("policy off", text);
        Assert.Contains("policy on", text);
        Assert.Contains("abandonment rate", text);
        Assert.Contains("seed=3", text);
    }

    [Fact]
    public async Task Simulate_JsonFormat_HasBothRuns()
    {
        var output = new StringWriter();

        var code = await CliApp.RunAsync(
            ["router", "simulate", "--minutes", "10", "--target-wait", "30", "--format", "json"],
            new CliConsole(TextReader.Null, output, new StringWriter()));

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output.ToString());
        Assert.False(json.RootElement.GetProperty("off").GetProperty("policyOn").GetBoolean());
        Assert.True(json.RootElement.GetProperty("on").GetProperty("policyOn").GetBoolean());
        Assert.Equal(30, json.RootElement.GetProperty("options").GetProperty("targetWaitSeconds").GetDouble());
    }

    [Fact]
    public async Task Simulate_InvalidAgents_Fails()
    {
        var error = new StringWriter();

        var code = await CliApp.RunAsync(["router", "simulate", "--agents", "0"], new CliConsole(TextReader.Null, new StringWriter(), error));

        Assert.NotEqual(0, code);
        Assert.Contains("Agents", error.ToString());
    }
}

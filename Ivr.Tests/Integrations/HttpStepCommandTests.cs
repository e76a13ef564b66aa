using Ivr.Tests.Cli;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Integrations;

/// <summary><c>ivr flow simulate --stubs</c> and <c>ivr flow test</c> on a flow with an <c>http</c> step: stubbed, never a real call.</summary>
public class HttpStepCommandTests
{
    private static readonly string Flow = Path.Combine(RepoPaths.Root, "Ivr.Tests", "TestData", "flows", "http", "customer-lookup.json");
    private static readonly string Scenarios = Path.Combine(RepoPaths.Root, "Ivr.Tests", "TestData", "flows", "http", "customer-lookup.tests.json");

    [Fact]
    public async Task Simulate_WithTheScenarioFilesStubs_GreetsByName()
    {
        var result = await CliRunner.Run("flow", "simulate", Flow, "--input", "4242#", "--stubs", Scenarios);

        Assert.Equal(0, result.Code);
        Assert.Contains("http GET service crm /customers/4242?source=ivr", result.Out, StringComparison.Ordinal);
        Assert.Contains("Hello Ada Lovelace, thank you for calling.", result.Out, StringComparison.Ordinal);
        Assert.Contains("outcome: hangup:greeted", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_WithAScenariosStubs_TakesItsErrorPath_AndWithoutStubs_SaysNoStub()
    {
        var slow = await CliRunner.Run("flow", "simulate", Flow, "--input", "4242#", "--stubs", Scenarios, "--scenario", "service too slow");
        var none = await CliRunner.Run("flow", "simulate", Flow, "--input", "4242#");
        var unknown = await CliRunner.Run("flow", "simulate", Flow, "--input", "4242#", "--stubs", Scenarios, "--scenario", "nope");
        var scenarioAlone = await CliRunner.Run("flow", "simulate", Flow, "--input", "4242#", "--scenario", "service too slow");

        Assert.Contains("outcome: hangup:lookup-timeout", slow.Out, StringComparison.Ordinal);
        Assert.Contains("no stub", none.Out, StringComparison.Ordinal);
        Assert.Contains("outcome: hangup:lookup-failed", none.Out, StringComparison.Ordinal);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("no scenario 'nope'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, scenarioAlone.Code);
        Assert.Contains("--scenario 'service too slow' needs --stubs FILE", scenarioAlone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowTest_RunsEveryStubbedScenario()
    {
        var result = await CliRunner.Run("flow", "test", Flow);

        Assert.True(result.Code == 0, result.All);
        Assert.Contains("7 passed, 0 failed", result.Out, StringComparison.Ordinal);
    }
}

using System.Text;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Simulation;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Simulation;

public class FlowTestSuiteLoaderTests
{
    private static FlowTestSuiteLoadResult Load(string json) => FlowTestSuiteLoader.LoadBytes(Encoding.UTF8.GetBytes(json), "t.tests.json");

    [Fact]
    public void LoadFile_HotlineScenarios_HasAtLeastTwelveWithDefaults()
    {
        var result = FlowTestSuiteLoader.LoadFile(Path.Combine(RepoPaths.Root, "flows", "hotline.tests.json"));

        Assert.Empty(result.Diagnostics);
        var suite = Assert.IsType<FlowTestSuite>(result.Suite);
        Assert.True(suite.Scenarios.Count >= 12);
        Assert.Equal("hotline.json", suite.Flow);
        Assert.Equal(Path.Combine(RepoPaths.Root, "flows", "hotline.json"), suite.FlowPath);
        Assert.Equal("+33123456789", suite.Defaults.Caller);
        Assert.NotNull(suite.Defaults.At);
    }

    [Fact]
    public void LoadBytes_InputAsACommaSeparatedString_IsSplitIntoTokens()
    {
        var result = Load("""{ "flow": "f.json", "scenarios": [ { "name": "a", "input": "2,billing,/noinput", "callerName": "Ann", "expect": {} } ] }""");

        var scenario = Assert.Single(result.Suite!.Scenarios);
        Assert.Equal([InputTokenKind.Digits, InputTokenKind.Speech, InputTokenKind.NoInput], scenario.Input.Select(t => t.Kind));
        Assert.Equal("Ann", scenario.Call.CallerName);
    }

    [Theory]
    [InlineData("""{ "scenarios": [] }""", DiagnosticCodes.MissingProperty, "")]
    [InlineData("""{ "flow": "f.json", "scenarios": {} }""", DiagnosticCodes.WrongType, "/scenarios")]
    [InlineData("""{ "flow": "f.json", "scenarios": [ { "name": "a", "input": [1], "expect": {} } ] }""", DiagnosticCodes.WrongType, "/scenarios/0/input/0")]
    [InlineData("""{ "flow": "f.json", "scenarios": [ { "name": "a", "input": [], "at": "soon", "expect": {} } ] }""", DiagnosticCodes.PatternMismatch, "/scenarios/0/at")]
    [InlineData("""{ "flow": "f.json", "scenarios": [ { "name": "a", "input": [], "expect": { "visits": "x" } } ] }""", DiagnosticCodes.WrongType, "/scenarios/0/expect/visits")]
    [InlineData("""{ "flow": "f.json", "scenarios": [ { "name": "a", "input": [], "expect": {} }, { "name": "a", "input": [], "expect": {} } ] }""", DiagnosticCodes.DuplicateItem, "/scenarios/1/name")]
    [InlineData("""{ "flow": "f.json", "extra": 1, "scenarios": [] }""", DiagnosticCodes.UnknownProperty, "/extra")]
    [InlineData("""[]""", DiagnosticCodes.WrongType, "")]
    public void LoadBytes_BadFile_ReportsCodeAndPointer(string json, string code, string pointer)
    {
        var result = Load(json);

        Assert.Null(result.Suite);
        Assert.Contains(result.Diagnostics, d => d.Code == code && d.Pointer == pointer);
    }

    [Theory]
    [InlineData("", DiagnosticCodes.EmptyFile)]
    [InlineData("{ \"flow\": ", DiagnosticCodes.InvalidJson)]
    public void LoadBytes_UnreadableJson_IsADiagnostic(string json, string code)
    {
        var result = Load(json);

        Assert.Equal(code, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void LoadBytes_DeepNesting_IsRefused()
    {
        var result = Load("""{ "flow": "f.json", "scenarios": """ + new string('[', 5000) + new string(']', 5000) + "}");

        Assert.Equal(DiagnosticCodes.NestingTooDeep, Assert.Single(result.Diagnostics).Code);
    }
}

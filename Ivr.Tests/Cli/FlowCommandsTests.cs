using System.Text.Json;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Cli;

public class FlowCommandsTests
{
    private static string Hotline => Path.Combine(RepoPaths.Root, "flows", "hotline.json");

    public static TheoryData<string> FlowFolderFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "flows"), "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(FlowFolderFiles))]
    public async Task Validate_EveryFileInFlows_ExitsZero(string name)
    {
        var result = await CliRunner.Run("flow", "validate", Path.Combine(RepoPaths.Root, "flows", name));

        Assert.True(result.Code == 0, result.All);
        Assert.Contains("0 error(s)", result.Out);
    }

    [Fact]
    public async Task Validate_JsonFormat_ParsesAndHasCodeLineAndPointer()
    {
        var bad = RepoPaths.TestData("flows", "invalid", "bad-step-name.json");

        var result = await CliRunner.Run("flow", "validate", bad, "--format", "json");

        Assert.Equal(1, result.Code);
        using var doc = JsonDocument.Parse(result.Out);
        var d = doc.RootElement.GetProperty("files")[0].GetProperty("diagnostics")[0];
        Assert.StartsWith("IVR", d.GetProperty("code").GetString());
        Assert.True(d.GetProperty("line").GetInt32() > 0);
        Assert.StartsWith("/", d.GetProperty("pointer").GetString());
        Assert.True(doc.RootElement.GetProperty("errors").GetInt32() > 0);
    }

    [Fact]
    public async Task Graph_Mermaid_ContainsEveryStep()
    {
        var result = await CliRunner.Run("flow", "graph", Hotline, "--format", "mermaid");

        Assert.Equal(0, result.Code);
        Assert.StartsWith("flowchart TD", result.Out);
        foreach (var step in new[] { "welcome", "choose_language", "main_menu", "queue_billing_vip", "goodbye_message" }) Assert.Contains(step + "<br/>", result.Out);
        Assert.Contains("1/billing", result.Out);
    }

    [Fact]
    public async Task Graph_DotToFile_WritesTheGraph()
    {
        var target = Path.Combine(Path.GetTempPath(), $"ivr-graph-{Guid.NewGuid():N}.dot");
        try
        {
            var result = await CliRunner.Run("flow", "graph", Hotline, "--format", "dot", "--output", target);

            Assert.Equal(0, result.Code);
            var dot = File.ReadAllText(target);
            Assert.StartsWith("digraph", dot);
            Assert.Contains("\"main_menu\"", dot);
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public async Task Graph_InvalidFlow_PrintsDiagnosticsAndExitsOne()
    {
        var result = await CliRunner.Run("flow", "graph", RepoPaths.TestData("flows", "invalid", "bad-step-name.json"));

        Assert.Equal(1, result.Code);
        Assert.Contains("error IVR", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Simulate_Scripted_PrintsPathEffectsAndOutcome()
    {
        var result = await CliRunner.Run("flow", "simulate", Hotline, "--input", "2,1,12345678#", "--at", "2026-11-23T10:00:00+01:00", "--caller", "+33123456789");

        Assert.Equal(0, result.Code);
        Assert.Contains("path: welcome > choose_language > check_returning > check_vip > check_hours > main_menu > collect_account > collect-account/ask_account > collect-account/account_ok > collect-account/done > connect_billing > route_billing > queue_billing", result.Out);
        Assert.Contains(">> [main_menu] Comment pouvons-nous vous aider ?", result.Out);
        Assert.Contains("== enqueue skill billing, priority 5", result.Out);
        Assert.Contains("outcome: queued:billing", result.Out);
    }

    [Fact]
    public async Task Simulate_SundayJson_GoesToTheAfterHoursMessage()
    {
        var result = await CliRunner.Run("flow", "simulate", Hotline, "--input", "1", "--at", "2026-11-22T15:00:00+01:00", "--format", "json");

        Assert.Equal(0, result.Code);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("hangup:message-left", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Contains("after_hours_message", doc.RootElement.GetProperty("path").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Simulate_Interactive_ReadsLinesUntilTheEnd()
    {
        var result = await CliRunner.RunWithInput("1\n\n2\n/help\n/connected\n", "flow", "simulate", Hotline, "--at", "2026-11-23T10:00:00+01:00");

        Assert.Equal(0, result.Code);
        Assert.Contains("[choose_language] choose: 1 or \"english\"", result.Out);
        Assert.Contains("~~ no-input (attempt 1)", result.Out);
        Assert.Contains("/nomatch", result.Out);
        Assert.Contains("outcome: connected:support", result.Out);
    }

    [Fact]
    public async Task Test_Hotline_AllScenariosPassWithFullStepCoverage()
    {
        var result = await CliRunner.Run("flow", "test", Hotline);

        Assert.True(result.Code == 0, result.All);
        Assert.DoesNotContain("FAIL", result.Out);
        Assert.Matches(@"steps\s+48/48", result.Out);
    }

    [Fact]
    public async Task Test_JsonFormat_ReportsScenariosAndCoverage()
    {
        var result = await CliRunner.Run("flow", "test", Hotline, "--format", "json");

        Assert.Equal(0, result.Code);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.True(doc.RootElement.GetProperty("passed").GetInt32() >= 12);
        Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal(["steps", "choices", "handlers", "branches"], doc.RootElement.GetProperty("coverage").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Test_BrokenExpectation_FailsWithADiffAndThePath()
    {
        var dir = Directory.CreateTempSubdirectory("ivr-cli-test-");
        try
        {
            foreach (var f in new[] { "hotline.json", "collect-account.json" }) File.Copy(Path.Combine(RepoPaths.Root, "flows", f), Path.Combine(dir.FullName, f));
            File.WriteAllText(Path.Combine(dir.FullName, "hotline.tests.json"), """
                {
                  "flow": "hotline.json",
                  "defaults": { "at": "2026-11-23T10:00:00+01:00" },
                  "scenarios": [
                    { "name": "right", "input": ["1", "2"], "expect": { "outcome": "queued:support" } },
                    { "name": "wrong", "input": ["1", "3"], "expect": { "outcome": "queued:billing", "visits": ["collect_account"] } }
                  ]
                }
                """);

            var result = await CliRunner.Run("flow", "test", Path.Combine(dir.FullName, "hotline.json"));

            Assert.Equal(1, result.Code);
            Assert.Contains("PASS  right", result.Out);
            Assert.Contains("FAIL  wrong", result.Out);
            Assert.Contains("outcome: expected queued:billing, actual queued:sales", result.Out);
            Assert.Contains("visits: expected collect_account, actual not visited", result.Out);
            Assert.Contains("path:  welcome > choose_language", result.Out);
            Assert.Contains("not reached: after_hours", result.Out);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

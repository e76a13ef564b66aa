using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.Cli;

/// <summary>Issue 15 ("first hour"): one <c>--format</c> vocabulary, defaults and outcomes printed once, lint checks phrases.</summary>
public class CliRoughEdgesTests
{
    private static string Hotline => Path.Combine(RepoPaths.Root, "flows", "hotline.json");

    private static string Demo => Path.Combine(RepoPaths.Root, "flows", "demo.json");

    [Fact]
    public async Task Format_TableAlias_PrintsTheSameAsText()
    {
        var text = await CliRunner.Run("flow", "validate", Hotline, "--format", "text");
        var table = await CliRunner.Run("flow", "validate", Hotline, "--format", "table");

        Assert.Equal(0, table.Code);
        Assert.Equal(text.Out, table.Out);
        Assert.Equal(string.Empty, table.Error);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("text")]
    [InlineData("json")]
    public async Task Status_EveryFormatValue_IsAccepted_TheOnlyErrorIsTheMissingEngine(string format)
    {
        var closed = $"http://127.0.0.1:{SippProcess.FreeUdpPort()}";

        var result = await CliRunner.Run("status", "--once", "--format", format, "--url", closed);

        Assert.Equal(1, result.Code);
        Assert.StartsWith("Cannot read the status of", result.Error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("--format", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "--once")]
    [InlineData("router", "simulate")]
    [InlineData("flow", "simulate")]
    public async Task Format_UnknownValue_IsAClearErrorNamingTheVocabulary(string command, string sub)
    {
        string[] args = command == "flow" ? [command, sub, Hotline, "--input", "1", "--format", "xml"] : [command, sub, "--format", "xml"];

        var result = await CliRunner.Run(args);

        Assert.NotEqual(0, result.Code);
        Assert.Contains("--format: 'xml' is not an output format; use text or json.", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouterSimulateHelp_ShowsEachDefaultOnce()
    {
        var result = await CliRunner.Run("router", "simulate", "--help");

        var options = result.Out.Split('\n').Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.Contains(options, l => l.Contains("--arrivals-per-min", StringComparison.Ordinal));
        Assert.All(options, l => Assert.True(Count(l, "default") <= 1, "default shown twice: " + l));
        Assert.Single(options, l => l.Contains("--arrivals-per-min", StringComparison.Ordinal) && l.Contains("[default: 48]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulate_Scripted_PrintsTheOutcomeOnce()
    {
        var result = await CliRunner.Run("flow", "simulate", Demo, "--input", "1,/failed");

        Assert.Equal(0, result.Code);
        Assert.Single(Lines(result.Out), l => l.Contains("outcome", StringComparison.Ordinal));
        Assert.Equal("outcome: hangup:message-left", Lines(result.Out)[^1]);
    }

    [Fact]
    public async Task Simulate_Interactive_PrintsTheOutcomeOnce()
    {
        var result = await CliRunner.RunWithInput("1\n/failed\n", "flow", "simulate", Demo);

        Assert.Equal(0, result.Code);
        Assert.Single(Lines(result.Out), l => l.Contains("outcome", StringComparison.Ordinal));
        Assert.Contains("outcome: hangup:message-left", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_Hotline_WarnsIvr312ForTheFrenchPhraseTheEnglishRecognizerCannotSay()
    {
        var result = await CliRunner.Run("flow", "lint", Hotline);

        var warning = Assert.Single(Lines(result.Out), l => l.Contains("IVR312", StringComparison.Ordinal));
        Assert.Contains("hotline.json(138,", warning, StringComparison.Ordinal);
        Assert.Contains("warning IVR312: step choose_language (en-US): phrase 'français' cannot be recognised", warning, StringComparison.Ordinal);
        Assert.Contains("[at /steps/choose_language/choices/1/phrases/0]", warning, StringComparison.Ordinal);
        Assert.Equal("1 file checked: 0 error(s), 1 warning(s)", Lines(result.Out)[^1]);
        Assert.Equal(0, result.Code);
    }

    [Fact]
    public async Task Lint_WithTheSettingsServeWouldUse_SpeechOff_ChecksNoPhrase()
    {
        var strict = await CliRunner.Run("flow", "lint", Hotline, "--strict");
        var off = await CliRunner.Run("flow", "lint", Hotline, "--strict", "--set", "Speech:Engine=none");

        Assert.Equal(1, strict.Code);
        Assert.Equal(0, off.Code);
        Assert.DoesNotContain("IVR312", off.Out, StringComparison.Ordinal);
        Assert.Equal("1 file checked: 0 error(s), 0 warning(s)", Lines(off.Out)[^1]);
    }

    [Fact]
    public async Task Lint_BadSpeechSetting_IsAOneLineConfigurationError()
    {
        var result = await CliRunner.Run("flow", "lint", Hotline, "--set", "Speech:Engine=klingon");

        Assert.Equal(2, result.Code);
        Assert.Equal("Configuration: Speech:Engine is 'klingon'; expected offline, azure or none.", result.Error.Trim());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Count(string text, string word)
    {
        var n = 0;
        for (var i = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.OrdinalIgnoreCase)) n++;
        return n;
    }
}

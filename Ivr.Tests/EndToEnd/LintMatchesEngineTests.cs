using System.Text.RegularExpressions;
using Ivr.Tests.Cli;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The engine's start-up speech check and <c>flow lint</c> are one check: on the repository's flows, under the en-US
/// PocketSphinx recognizer <c>serve</c> configures by default, both name the same phrases with the same code.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed partial class LintMatchesEngineTests
{
    [Fact]
    public async Task EngineLog_AndLint_ReportTheSameUnrecognisablePhrases_WithTheSameCode()
    {
        await using var engine = await EngineProcess.StartAsync();
        await engine.WaitForLogAsync("IVR312", TimeSpan.FromSeconds(60));
        var lint = await CliRunner.Run(["flow", "lint", .. Directory.GetFiles(Path.Combine(RepoPaths.Root, "flows"), "*.json").Order(StringComparer.Ordinal)]);

        // engine: "IVR312 Flow hotline@1.0.0, step choose_language (en-US): phrase 'français' cannot be recognised …"
        var logged = engine.Log.Split('\n').Select(l => EngineFinding().Match(l)).Where(m => m.Success)
            .Select(m => $"{m.Groups["code"].Value} {m.Groups["flow"].Value} {m.Groups["finding"].Value}").Order(StringComparer.Ordinal).ToList();
        // lint: "…/flows/hotline.json(134,38): warning IVR312: step choose_language (en-US): phrase 'français' cannot be recognised …"
        var linted = lint.Out.Split('\n').Select(l => LintFinding().Match(l)).Where(m => m.Success)
            .Select(m => $"{m.Groups["code"].Value} {m.Groups["file"].Value} {m.Groups["finding"].Value}").Order(StringComparer.Ordinal).ToList();

        Assert.Contains("IVR312 hotline step choose_language (en-US): phrase 'français'", logged);
        Assert.Equal(logged, linted);
        Assert.Equal(0, lint.Code);
    }

    [GeneratedRegex(@"(?<code>IVR\d{3}) Flow (?<flow>[^@,]+)@[^,]*, (?<finding>step \S+ \([^)]+\): phrase '[^']*')")]
    private static partial Regex EngineFinding();

    [GeneratedRegex(@"(?<file>[^/\\(]+)\.json\(\d+,\d+\): warning (?<code>IVR\d{3}): (?<finding>step \S+ \([^)]+\): phrase '[^']*')")]
    private static partial Regex LintFinding();
}

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Model;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class PromptRuleTests
{
    internal static Dictionary<string, PromptDefinition> Prompts(params (string Name, string Locale, string? Sound, string? Text)[] variants) =>
        variants.GroupBy(v => v.Name).ToDictionary(
            g => g.Key,
            g => new PromptDefinition(g.Key,
                g.ToDictionary(v => v.Locale, v => new PromptVariant(v.Sound, v.Text, $"/prompts/{g.Key}/{v.Locale}")),
                $"/prompts/{g.Key}"));

    [Fact]
    public void Lint_StepPlaysUndefinedPrompt_ReportsUnknownPromptWithSuggestion()
    {
        var play = Play("welcome", "bye") with { Prompt = Named("welcom", "/steps/welcome/prompt") };
        var flow = Create([play, Hangup("bye")], ("/steps/welcome/prompt", 11)) with { Prompts = Prompts(("welcome", "en-US", null, "Hi")) };

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownPrompt));

        Assert.Equal(("/steps/welcome/prompt", 11, "did you mean 'welcome'?"), (d.Pointer, d.Line, d.Hint));
    }

    [Fact]
    public void Lint_PromptLacksAFlowLanguage_WarnsMissingLocale()
    {
        var play = Play("welcome", "bye") with { Prompt = Named("welcome", "/steps/welcome/prompt") };
        var flow = Create([play, Hangup("bye")], ("/prompts/welcome", 5)) with
        {
            Languages = ["en-US", "fr-FR"],
            Prompts = Prompts(("welcome", "en-US", null, "Hi")),
        };

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.PromptMissingLocale, Severity.Warning, "/prompts/welcome", 5), (d.Code, d.Severity, d.Pointer, d.Line));
        Assert.Contains("fr-FR", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_PromptVariantWithNeitherSoundNorText_ReportsError()
    {
        var play = Play("welcome", "bye") with { Prompt = Named("welcome", "/steps/welcome/prompt") };
        var flow = Create([play, Hangup("bye")]) with { Prompts = Prompts(("welcome", "en-US", null, " ")) };

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.PromptMissingLocale, Severity.Error, "/prompts/welcome/en-US"), (d.Code, d.Severity, d.Pointer));
    }

    [Fact]
    public void Lint_PromptNothingPlays_WarnsUnused()
    {
        var flow = Create([Play("welcome", "bye"), Hangup("bye")]) with { Prompts = Prompts(("legacy", "en-US", null, "Old")) };

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.UnusedPrompt, "/prompts/legacy"), (d.Code, d.Pointer));
    }
}

public sealed class SoundFileRuleTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ivr-sounds-").FullName;

    public SoundFileRuleTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "en-US"));
        System.IO.File.WriteAllBytes(Path.Combine(_root, "en-US", "welcome.wav"), [0]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static FlowDocument WithSound(string promptSound, string inlineSound)
    {
        var play = Play("welcome", "bye") with { Prompt = Named("welcome", "/steps/welcome/prompt") };
        var bye = Hangup("bye") with { Prompt = new PromptRef([new PromptItem(null, inlineSound, null, "/steps/bye/prompt")], "/steps/bye/prompt") };
        return Create([play, bye], ("/prompts/welcome/en-US/sound", 7)) with
        {
            Prompts = PromptRuleTests.Prompts(("welcome", "en-US", promptSound, null)),
        };
    }

    [Fact]
    public void Lint_PromptSoundMissing_ReportsAtTheSoundValue()
    {
        var d = Assert.Single(Lint(WithSound("en-US/nope.wav", "en-US/welcome.wav"), new LintOptions { SoundsRoot = _root }));

        Assert.Equal((DiagnosticCodes.SoundFileMissing, "/prompts/welcome/en-US/sound", 7), (d.Code, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_InlineSoundMissing_ReportsAtTheInlineSound()
    {
        var d = Assert.Single(Lint(WithSound("en-US/welcome.wav", "en-US/gone.wav"), new LintOptions { SoundsRoot = _root }));

        Assert.Equal("/steps/bye/prompt/sound", d.Pointer);
    }

    [Fact]
    public void Lint_SoundOutsideTheSoundsFolder_ReportsMissing()
    {
        var d = Assert.Single(Lint(WithSound("../etc/passwd", "en-US/welcome.wav"), new LintOptions { SoundsRoot = _root }));

        Assert.Equal(DiagnosticCodes.SoundFileMissing, d.Code);
    }

    [Fact]
    public void Lint_NoSoundsRoot_SkipsFileChecks()
    {
        Assert.Empty(Lint(WithSound("en-US/nope.wav", "en-US/gone.wav")));
    }
}

using Ivr.Flows;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;
using Ivr.Flows.Runtime;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Flows.Runtime;

namespace Ivr.Tests.Flows.Linting;

/// <summary>The <c>queue</c> step's <c>forAgent</c>: schema, binder, IVR316 and the effect the run emits.</summary>
public class QueueForAgentTests
{
    private static readonly LintOptions Options = new() { SoundsRoot = Path.Combine(RepoPaths.Root, "sounds") };

    private static string Flow(string forAgent) => $$"""
        {
          "id": "q",
          "version": "1.0.0",
          "language": "en-US",
          "start": "ask",
          "variables": { "topic": "" },
          "steps": {
            "ask": { "type": "digits", "prompt": { "text": "Your account?" }, "variable": "account", "max": 12, "next": "wait", "onExhausted": "bye" },
            "wait": { "type": "queue", "skill": "billing", "forAgent": {{forAgent}}, "onCallback": "bye", "onMessage": "bye", "onFailure": "bye" },
            "bye": { "type": "hangup" }
          }
        }
        """;

    private static IReadOnlyList<Diagnostic> Check(string json) => FlowChecker.CheckText(json, "q.json", Options).Diagnostics;

    [Fact]
    public void KnownVariables_DeclaredCollectedOrBuiltIn_HaveNoFinding()
    {
        Assert.Empty(Check(Flow("""["topic", "account", "caller.number"]""")));
    }

    [Fact]
    public void NeverSetVariable_IsAWarningAtItsItem_WithADidYouMean()
    {
        var d = Check(Flow("""["topic", "acount"]"""));

        var w = Assert.Single(d);
        Assert.Equal((DiagnosticCodes.ForAgentUnknownVariable, Severity.Warning, "/steps/wait/forAgent/1"), (w.Code, w.Severity, w.Pointer));
        Assert.Contains("'acount'", w.Message, StringComparison.Ordinal);
        Assert.Contains("account", w.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["bad name"]""", DiagnosticCodes.PatternMismatch, "/steps/wait/forAgent/0")]
    [InlineData("""["topic", "topic"]""", null, "/steps/wait/forAgent/1")]
    [InlineData("""[42]""", null, "/steps/wait/forAgent/0")]
    [InlineData("""["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u"]""", null, "/steps/wait/forAgent")]
    public void MalformedList_IsASchemaError(string forAgent, string? code, string pointer)
    {
        var d = Check(Flow(forAgent));

        var e = Assert.Single(d, x => x.Severity == Severity.Error);
        Assert.Equal(pointer, e.Pointer);
        if (code is not null) Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Binder_KeepsTheNamesInOrder_AndTheRunPutsThemOnTheEnqueueEffect()
    {
        var loaded = FlowLoader.LoadText(Flow("""["account", "topic"]"""), "q.json");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var host = new RecordingHost();
        var run = FlowCompiler.Compile(loaded.Document!).CreateRun(host, F.Call(), TimeProvider.System);
        run.Start();
        run.PromptFinished();
        foreach (var key in "4242#") run.Digit(key);

        Assert.Equal(["account", "topic"], host.Last<EnqueueEffect>().ForAgent);
    }

    [Fact]
    public void WithoutForAgent_TheEffectNamesNoVariable()
    {
        var json = Flow("[]").Replace("\"forAgent\": [], ", string.Empty, StringComparison.Ordinal);
        var loaded = FlowLoader.LoadText(json, "q.json");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var host = new RecordingHost();
        var run = FlowCompiler.Compile(loaded.Document!).CreateRun(host, F.Call(), TimeProvider.System);
        run.Start();
        run.PromptFinished();
        foreach (var key in "1#") run.Digit(key);

        Assert.Empty(host.Last<EnqueueEffect>().ForAgent);
    }
}

using Ivr.Flows;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Linting;

/// <summary>The <c>http</c> step through the loader (schema, binder) and the linter, from JSON as a designer writes it.</summary>
public class HttpStepLintTests
{
    private static readonly LintOptions Options = new() { SoundsRoot = Path.Combine(RepoPaths.Root, "sounds") };

    private static string Flow(string lookup, string variables = """{ "account": "", "name": "" }""") => $$"""
        {
          "id": "h",
          "version": "1.0.0",
          "language": "en-US",
          "start": "lookup",
          "variables": {{variables}},
          "steps": {
            "lookup": {{lookup}},
            "ok": { "type": "hangup", "prompt": { "text": "Hello {name}." } },
            "ko": { "type": "hangup", "reason": "{http.error}" }
          }
        }
        """;

    private static IReadOnlyList<Diagnostic> Check(string json) => FlowChecker.CheckText(json, "h.json", Options).Diagnostics;

    [Fact]
    public void ValidStep_WithFiller_HasNoFinding()
    {
        var d = Check(Flow("""{ "type": "http", "service": "crm", "path": "/c/{account}", "map": { "name": "/name" }, "filler": { "text": "One moment." }, "next": "ok", "onError": "ko" }"""));

        Assert.Empty(d);
    }

    [Fact]
    public void WithoutOnError_IsAMissingPropertyAtTheStep()
    {
        var d = Check(Flow("""{ "type": "http", "service": "crm", "path": "/c", "next": "ok" }"""));

        var e = Assert.Single(d, x => x.Severity == Severity.Error);
        Assert.Equal((DiagnosticCodes.MissingProperty, "/steps/lookup"), (e.Code, e.Pointer));
        Assert.Contains("onError", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "http", "service": "crm", "path": "https://evil.example/x", "next": "ok", "onError": "ko" }""", DiagnosticCodes.PatternMismatch, "/steps/lookup/path")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "//evil.example/x", "next": "ok", "onError": "ko" }""", DiagnosticCodes.PatternMismatch, "/steps/lookup/path")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "url": "http://x", "next": "ok", "onError": "ko" }""", DiagnosticCodes.UnknownProperty, "/steps/lookup/url")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "headers": { "Authorization": "x" }, "next": "ok", "onError": "ko" }""", DiagnosticCodes.UnknownProperty, "/steps/lookup/headers")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "method": "DELETE", "next": "ok", "onError": "ko" }""", DiagnosticCodes.ValueNotAllowed, "/steps/lookup/method")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "timeout": 0, "next": "ok", "onError": "ko" }""", DiagnosticCodes.OutOfRange, "/steps/lookup/timeout")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "map": { "name": "name" }, "next": "ok", "onError": "ko" }""", DiagnosticCodes.PatternMismatch, "/steps/lookup/map/name")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "body": { "a": "b" }, "next": "ok", "onError": "ko" }""", DiagnosticCodes.ValueNotAllowed, "/steps/lookup/body")]
    [InlineData("""{ "type": "http", "service": "crm", "path": "/c", "next": "ok", "onError": "nowhere" }""", DiagnosticCodes.UnknownTarget, "/steps/lookup/onError")]
    public void BadStep_IsReportedAtItsValue(string lookup, string code, string pointer)
    {
        var d = Check(Flow(lookup));

        Assert.Contains(d, x => x.Severity == Severity.Error && x.Code == code && x.Pointer == pointer);
    }

    [Fact]
    public void UnknownVariableInThePathOrBody_IsIvr304AtTheTemplate_WithASuggestion()
    {
        var d = Check(Flow("""{ "type": "http", "service": "crm", "method": "POST", "path": "/c/{acount}", "body": { "who": "{nmae}" }, "filler": { "text": "One moment." }, "next": "ok", "onError": "ko" }"""));

        var path = Assert.Single(d, x => x.Pointer == "/steps/lookup/path");
        Assert.Equal((DiagnosticCodes.UnknownVariable, Severity.Error, "did you mean 'account'?"), (path.Code, path.Severity, path.Hint));
        Assert.Contains(d, x => x.Code == DiagnosticCodes.UnknownVariable && x.Pointer == "/steps/lookup/body/who");
    }

    [Fact]
    public void MapWritingABuiltIn_IsReadOnly_AndAnUndeclaredTarget_IsAWarning_ButCountsAsSet()
    {
        var d = Check(Flow("""{ "type": "http", "service": "crm", "path": "/c", "map": { "caller.name": "/n", "name": "/n", "vip": "/vip" }, "filler": { "text": "One moment." }, "next": "ok", "onError": "ko" }"""));

        Assert.Contains(d, x => x.Code == DiagnosticCodes.ReadOnlyVariable && x.Pointer == "/steps/lookup/map/caller.name");
        var vip = Assert.Single(d, x => x.Pointer == "/steps/lookup/map/vip");
        Assert.Equal((DiagnosticCodes.UnknownVariable, Severity.Warning), (vip.Code, vip.Severity));
    }

    [Fact]
    public void HttpVariables_AreBuiltIns_ThatAFlowReadsButCannotWrite()
    {
        var d = Check(Flow("""{ "type": "http", "service": "crm", "path": "/c", "map": { "http.error": "/e" }, "filler": { "text": "One moment." }, "next": "ok", "onError": "ko" }"""));

        Assert.Single(d, x => x.Code == DiagnosticCodes.ReadOnlyVariable && x.Pointer == "/steps/lookup/map/http.error");
        Assert.DoesNotContain(d, x => x.Code == DiagnosticCodes.UnknownVariable);
    }

    [Fact]
    public void WithoutFiller_WarnsIvr314_WithTheTimeout()
    {
        var d = Check(Flow("""{ "type": "http", "service": "crm", "path": "/c", "timeout": 1.5, "next": "ok", "onError": "ko" }"""));

        var w = Assert.Single(d);
        Assert.Equal(("IVR314", Severity.Warning, "/steps/lookup"), (w.Code, w.Severity, w.Pointer));
        Assert.Contains("1.5 s", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopOfHttpStepsRetryingForever_IsALoopWithoutExit()
    {
        var json = """
            {
              "id": "h", "version": "1.0.0", "language": "en-US", "start": "lookup",
              "steps": {
                "lookup": { "type": "http", "service": "crm", "path": "/c", "filler": { "text": "Wait." }, "next": "again", "onError": "again" },
                "again": { "type": "goto", "target": "lookup" }
              }
            }
            """;

        Assert.Contains(Check(json), x => x.Code == DiagnosticCodes.LoopWithoutExit && x.Severity == Severity.Error);
    }
}

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class VariableRuleTests
{
    private static readonly Dictionary<string, string> Account = new() { ["account"] = "" };

    [Fact]
    public void Lint_ConditionOnUndeclaredVariable_ReportsUnknownWithSuggestion()
    {
        var flow = Create(
            [Branch("check", "bye", (When("check", 0, "acount", ConditionOp.NotEmpty), "bye")), Hangup("bye")],
            ("/steps/check/conditions/0/when/var", 21)) with { Variables = Account };

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownVariable));

        Assert.Equal((Severity.Error, "/steps/check/conditions/0/when/var", 21), (d.Severity, d.Pointer, d.Line));
        Assert.Equal("did you mean 'account'?", d.Hint);
    }

    [Fact]
    public void Lint_InterpolationOfUnknownVariableInPromptText_ReportsAtTheText()
    {
        var play = Play("welcome", "bye") with { Prompt = Named("welcome", "/steps/welcome/prompt") };
        var flow = Create([play, Hangup("bye")]) with
        {
            Prompts = PromptRuleTests.Prompts(("welcome", "en-US", null, "Hello {caller.name}, account {acct}.")),
            Variables = Account,
        };

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownVariable));

        Assert.Equal("/prompts/welcome/en-US/text", d.Pointer);
        Assert.Contains("'acct'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_VariablesFromDigitsAndBuiltIns_AreKnown()
    {
        var transfer = new TransferStep { Name = "xfer", Pointer = P("xfer"), To = "sip:{account}@{call.dialled}", OnFailure = "bye" };
        var flow = Create([Digits("acct", "account", "xfer", "bye"), transfer, Play("bye0", "bye", "Bye {caller.number}") , Hangup("bye")]);

        Assert.DoesNotContain(Lint(flow), d => d.Code == DiagnosticCodes.UnknownVariable);
    }

    [Fact]
    public void Lint_UnknownVariableInTransferUri_ReportsAtTo()
    {
        var transfer = new TransferStep { Name = "xfer", Pointer = P("xfer"), To = "sip:{agnt}@example.com", OnFailure = "bye" };
        var flow = Create([transfer, Hangup("bye")]);

        Assert.Equal("/steps/xfer/to", Assert.Single(Lint(flow, DiagnosticCodes.UnknownVariable)).Pointer);
    }

    [Fact]
    public void Lint_SetWritesUndeclaredVariable_WarnsAndSuggests()
    {
        var flow = Create([Set("s", "bye", ("acount", "42")), Hangup("bye")]) with { Variables = Account };

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownVariable));

        Assert.Equal((Severity.Warning, "/steps/s/values/acount", "did you mean 'account'?"), (d.Severity, d.Pointer, d.Hint));
    }

    [Theory]
    [InlineData("caller.number")]
    [InlineData("queue.ewt")]
    public void Lint_SetWritesReadOnlyBuiltIn_ReportsReadOnly(string name)
    {
        var flow = Create([Set("s", "bye", (name, "x")), Hangup("bye")]);

        var d = Assert.Single(Lint(flow, DiagnosticCodes.ReadOnlyVariable));

        Assert.Equal("/steps/s/values/" + name, d.Pointer);
    }

    [Fact]
    public void Lint_DigitsIntoReadOnlyBuiltIn_ReportsReadOnlyAtVariable()
    {
        var flow = Create([Digits("num", "callback.number", "bye", "bye"), Hangup("bye")]);

        Assert.Equal("/steps/num/variable", Assert.Single(Lint(flow, DiagnosticCodes.ReadOnlyVariable)).Pointer);
    }

    [Fact]
    public void Lint_ChoiceSetsLanguage_IsAllowed()
    {
        var choice = Choice("main", 0, "bye", ["1"]) with { Set = new Dictionary<string, string> { ["language"] = "en-US" } };
        var flow = Create([Menu("main", "bye", choice), Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }

    [Fact]
    public void Lint_ChoiceSetsReadOnly_ReportsAtChoiceSet()
    {
        var choice = Choice("main", 0, "bye", ["1"]) with { Set = new Dictionary<string, string> { ["call.id"] = "x" } };
        var flow = Create([Menu("main", "bye", choice), Hangup("bye")]);

        Assert.Equal("/steps/main/choices/0/set/call.id", Assert.Single(Lint(flow, DiagnosticCodes.ReadOnlyVariable)).Pointer);
    }
}

public class LanguageRuleTests
{
    [Fact]
    public void Lint_ChoiceSwitchesToUnsupportedLanguage_ReportsAtLanguage()
    {
        var choice = Choice("main", 0, "bye", ["9"]) with { Language = "de-DE" };
        var flow = Create([Menu("main", "bye", choice), Hangup("bye")], ("/steps/main/choices/0/language", 18));

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.UnsupportedLanguage, "/steps/main/choices/0/language", 18), (d.Code, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_SetLanguageToUnsupportedLocale_Reports()
    {
        var flow = Create([Set("s", "bye", ("language", "fr-FR")), Hangup("bye")]);

        Assert.Equal("/steps/s/values/language", Assert.Single(Lint(flow, DiagnosticCodes.UnsupportedLanguage)).Pointer);
    }

    [Fact]
    public void Lint_SetLanguageFromTemplateOrSupportedLocale_ReportsNothing()
    {
        var flow = Create([Set("s", "t", ("language", "{preferred}")), Set("t", "bye", ("language", "fr-FR")), Hangup("bye")]) with
        {
            Languages = ["en-US", "fr-FR"],
            Variables = new Dictionary<string, string> { ["preferred"] = "en-US" },
        };

        Assert.Empty(Lint(flow));
    }
}

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class MenuChoiceRuleTests
{
    [Fact]
    public void Lint_KeyUsedByTwoChoices_ReportsTheSecondOccurrence()
    {
        var flow = Create(
            [Menu("main", "bye", Choice("main", 0, "bye", ["1", "2"]), Choice("main", 1, "bye", ["3", "2"])), Hangup("bye")],
            ("/steps/main/choices/0/keys/1", 10), ("/steps/main/choices/1/keys/1", 14));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.DuplicateDtmfKey));

        Assert.Equal((Severity.Error, "/steps/main/choices/1/keys/1", 14), (d.Severity, d.Pointer, d.Line));
        Assert.Contains("choice #1", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_SamePhraseDifferentCase_ReportsDuplicatePhrase()
    {
        var flow = Create(
            [Menu("main", "bye", Choice("main", 0, "bye", ["1"], "Billing"), Choice("main", 1, "bye", ["2"], "sales", "billing")), Hangup("bye")],
            ("/steps/main/choices/1/phrases/1", 17));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.DuplicatePhrase));

        Assert.Equal(("/steps/main/choices/1/phrases/1", 17), (d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_SamePhraseInDifferentLocales_ReportsNothing()
    {
        var en = new MenuChoice(["1"], new Dictionary<string, IReadOnlyList<string>> { ["en-US"] = ["support"] }, "bye", null, new Dictionary<string, string>(), "/steps/main/choices/0");
        var fr = new MenuChoice(["2"], new Dictionary<string, IReadOnlyList<string>> { ["fr-FR"] = ["support"] }, "bye", null, new Dictionary<string, string>(), "/steps/main/choices/1");
        var flow = Create([Menu("main", "bye", en, fr), Hangup("bye")]) with { Languages = ["en-US", "fr-FR"] };

        Assert.Empty(Lint(flow, DiagnosticCodes.DuplicatePhrase));
    }

    [Fact]
    public void Lint_LocalePhraseRepeatsAnAllLocalesPhrase_ReportsItUnderTheLocale()
    {
        var all = Choice("main", 0, "bye", ["1"], "agent");
        var fr = new MenuChoice(["2"], new Dictionary<string, IReadOnlyList<string>> { ["fr-FR"] = ["Agent"] }, "bye", null, new Dictionary<string, string>(), "/steps/main/choices/1");
        var flow = Create([Menu("main", "bye", all, fr), Hangup("bye")]) with { Languages = ["en-US", "fr-FR"] };

        var d = Assert.Single(Lint(flow, DiagnosticCodes.DuplicatePhrase));

        Assert.Equal("/steps/main/choices/1/phrases/fr-FR/0", d.Pointer);
    }

    [Fact]
    public void Lint_ChoiceWithNeitherKeysNorPhrases_ReportsNeverSelectable()
    {
        var flow = Create([Menu("main", "bye", Choice("main", 0, "bye", ["1"]), Choice("main", 1, "bye", [])), Hangup("bye")]);

        var d = Assert.Single(Lint(flow, DiagnosticCodes.ChoiceNeverSelectable));

        Assert.Equal("/steps/main/choices/1", d.Pointer);
    }

    [Fact]
    public void Lint_PhraseOnlyChoiceWithSpeechOff_ReportsNeverSelectable()
    {
        var menu = Menu("main", "bye", Choice("main", 0, "bye", ["1"]), Choice("main", 1, "bye", [], "agent")) with { Speech = false };
        var flow = Create([menu, Hangup("bye")]);

        var d = Assert.Single(Lint(flow, DiagnosticCodes.ChoiceNeverSelectable));

        Assert.Contains("speech is off", d.Message, StringComparison.Ordinal);
    }
}

public class OfferKeysRuleTests
{
    [Fact]
    public void Lint_OfferedCallbackAndStayShareAKey_ReportsDuplicateKey()
    {
        var queue = Queue("q", "bye") with { Offer = new OfferPolicy { StayKey = "1" } };
        var flow = Create([queue, Hangup("bye")], ("/steps/q/offer/keys/stay", 30));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.DuplicateDtmfKey));

        Assert.Equal(("/steps/q/offer/keys/stay", 30), (d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_MessageKeyClashesButMessageNotOffered_ReportsNothing()
    {
        var queue = Queue("q", "bye") with { Offer = new OfferPolicy { MessageKey = "1", Message = false } };
        var flow = Create([queue, Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }
}

public class DigitsRuleTests
{
    [Fact]
    public void Lint_MinAboveMax_ReportsInvalidRangeAtMin()
    {
        var flow = Create([Digits("acct", "account", "bye", "bye") with { Min = 9, Max = 4 }, Hangup("bye")], ("/steps/acct/min", 8));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.InvalidDigitsRange));

        Assert.Equal((Severity.Error, "/steps/acct/min", 8), (d.Severity, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_MinEqualsMax_ReportsNothing()
    {
        var flow = Create([Digits("acct", "account", "bye", "bye") with { Min = 4, Max = 4 }, Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }

    [Fact]
    public void Lint_TerminatorIsADigit_ReportsTerminatorClash()
    {
        var flow = Create([Digits("acct", "account", "bye", "bye") with { Terminator = "0" }, Hangup("bye")]);

        var d = Assert.Single(Lint(flow, DiagnosticCodes.TerminatorIsChoiceKey));

        Assert.Equal("/steps/acct/terminator", d.Pointer);
    }

    [Theory]
    [InlineData("#")]
    [InlineData("*")]
    [InlineData("")]
    public void Lint_TerminatorNotADigit_ReportsNothing(string terminator)
    {
        var flow = Create([Digits("acct", "account", "bye", "bye") with { Terminator = terminator }, Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }
}

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class StartRuleTests
{
    [Fact]
    public void Lint_StartNamesNoStep_ReportsUnknownStartWithSuggestion()
    {
        var flow = Create([Play("welcome", "bye"), Hangup("bye")], ("/start", 6)) with { Start = "welcom" };

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownStart));

        Assert.Equal((Severity.Error, "/start", 6, FileName), (d.Severity, d.Pointer, d.Line, d.File));
        Assert.Equal("did you mean 'welcome'?", d.Hint);
    }

    [Fact]
    public void Lint_StartUnknown_DoesNotReportEveryStepAsUnreachable()
    {
        var flow = Create([Play("welcome", "bye"), Hangup("bye")]) with { Start = "nowhere" };

        Assert.Empty(Lint(flow, DiagnosticCodes.UnreachableStep));
    }
}

public class TargetRuleTests
{
    [Fact]
    public void Lint_ChoiceGoesToUnknownStep_ReportsAtTheChoiceNextWithSuggestion()
    {
        var flow = Create(
            [Menu("main", "bye", Choice("main", 0, "bye", ["1"]), Choice("main", 1, "biling", ["2"])), Play("billing", "bye"), Hangup("bye")],
            ("/steps/main/choices/1/next", 14));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownTarget));

        Assert.Equal(("/steps/main/choices/1/next", 14, 7), (d.Pointer, d.Line, d.Column));
        Assert.Equal("did you mean 'billing'?", d.Hint);
        Assert.Contains("'biling'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_TargetFarFromEveryName_HintsWithoutSuggestion()
    {
        var flow = Create([Play("welcome", "xyzzyplugh"), Hangup("bye")]);

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnknownTarget));

        Assert.DoesNotContain("did you mean", d.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_BrokenLink_IsNotAlsoReportedAsDeadEnd()
    {
        var flow = Create([Play("welcome", "missing")]);

        Assert.Equal([DiagnosticCodes.UnknownTarget], Lint(flow).Select(d => d.Code));
    }
}

public class ReachabilityRuleTests
{
    [Fact]
    public void Lint_StepNothingLinksTo_ReportsUnreachableWarning()
    {
        var flow = Create([Play("welcome", "bye"), Hangup("bye"), Hangup("orphan")], ("/steps/orphan", 20));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.UnreachableStep));

        Assert.Equal((Severity.Warning, "/steps/orphan", 20), (d.Severity, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_EveryStepReachable_ReportsNothing()
    {
        var flow = Create([Menu("main", "q", Choice("main", 0, "bye", ["1"])), Queue("q", "bye"), Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }

    [Fact]
    public void Lint_StepOnlyReachableThroughAMisspeltLink_IsNotAlsoReportedUnreachable()
    {
        var flow = Create([Play("welcome", "biling"), Play("billing", "bye"), Hangup("bye")]);

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.UnknownTarget, "did you mean 'billing'?"), (d.Code, d.Hint));
    }
}

public class TrapRuleTests
{
    [Fact]
    public void Lint_MenuWhoseChoicesAllLeadBack_ReportsDeadEndAtTheMenu()
    {
        var flow = Create(
            [Play("welcome", "main"), Menu("main", "sorry", Choice("main", 0, "info", ["1"])), Play("info", "main"), Play("sorry", "main")],
            ("/steps/main", 9));

        var d = Assert.Single(Lint(flow), x => x.Severity == Severity.Error);

        Assert.Equal((DiagnosticCodes.DeadEnd, "/steps/main", 9), (d.Code, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_PlayGotoCycle_ReportsLoopWithoutExitOnce()
    {
        var flow = Create([Play("welcome", "again"), Play("again", "back"), Goto("back", "again")], ("/steps/again", 5));

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.LoopWithoutExit, Severity.Error, "/steps/again", 5), (d.Code, d.Severity, d.Pointer, d.Line));
        Assert.Contains("'again', 'back'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_CycleWithExitToQueue_ReportsNothing()
    {
        var flow = Create([Menu("main", "q", Choice("main", 0, "info", ["1"])), Play("info", "main"), Queue("q", "main")]);

        Assert.Empty(Lint(flow));
    }

    [Fact]
    public void Lint_TransferFailureLoopsBack_IsNotADeadEnd()
    {
        var transfer = new Ivr.Flows.Model.Steps.TransferStep { Name = "xfer", Pointer = P("xfer"), To = "sip:desk@example.com", OnFailure = "xfer" };
        var flow = Create([transfer]);

        Assert.Empty(Lint(flow));
    }
}

public class BusyLoopRuleTests
{
    [Fact]
    public void Lint_BranchLoopTestingUnchangedVariable_WarnsCallerMayLoopForever()
    {
        var flow = Create(
            [
                Branch("check", "bye", (When("check", 0, "account", ConditionOp.Empty), "explain")),
                Play("explain", "check"),
                Hangup("bye"),
            ],
            ("/steps/check", 4)) with { Variables = new Dictionary<string, string> { ["account"] = "" } };

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.LoopWithoutExit, Severity.Warning, 4), (d.Code, d.Severity, d.Line));
        Assert.Contains("loop forever", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_BranchLoopThatSetsTheTestedVariable_ReportsNothing()
    {
        var flow = Create(
            [
                Branch("check", "bye", (When("check", 0, "tries", ConditionOp.NotEquals, "xxx"), "count")),
                Set("count", "check", ("tries", "{tries}x")),
                Hangup("bye"),
            ]) with { Variables = new Dictionary<string, string> { ["tries"] = "" } };

        Assert.Empty(Lint(flow));
    }

    [Fact]
    public void Lint_BranchLoopOnCalendar_ReportsNothing()
    {
        var calendar = new Calendar("office", "UTC", [new OpenInterval(DayOfWeek.Monday, TimeSpan.FromHours(8), TimeSpan.FromHours(18))], [], "/calendars/office");
        var flow = Create(
            [
                Branch("check", "bye", (new CalendarCondition("office", false, "/steps/check/conditions/0/when"), "wait")),
                Play("wait", "check"),
                Hangup("bye"),
            ]) with { Calendars = new Dictionary<string, Calendar> { ["office"] = calendar } };

        Assert.Empty(Lint(flow));
    }
}

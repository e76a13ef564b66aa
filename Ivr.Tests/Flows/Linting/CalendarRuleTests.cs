using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class CalendarRuleTests
{
    private static Calendar Office(string timeZone, TimeSpan start, TimeSpan end) =>
        new("office", timeZone, [new OpenInterval(DayOfWeek.Monday, start, end)], [], "/calendars/office");

    private static FlowDocument Flow(string calendarUsed, Calendar calendar) =>
        Create(
            [Branch("hours", "closed", (new CalendarCondition(calendarUsed, true, "/steps/hours/conditions/0/when"), "open")), Hangup("open"), Hangup("closed")],
            ("/steps/hours/conditions/0/when/calendar", 9), ("/calendars/office/timeZone", 4)) with
        {
            Calendars = new Dictionary<string, Calendar> { ["office"] = calendar },
        };

    [Fact]
    public void Lint_ConditionOnUndefinedCalendar_ReportsUnknownCalendarWithSuggestion()
    {
        var d = Assert.Single(Lint(Flow("ofice", Office("Europe/Paris", TimeSpan.FromHours(8), TimeSpan.FromHours(18)))));

        Assert.Equal((DiagnosticCodes.UnknownCalendar, 9, "did you mean 'office'?"), (d.Code, d.Line, d.Hint));
    }

    [Fact]
    public void Lint_UnknownTimeZone_ReportsAtTimeZone()
    {
        var d = Assert.Single(Lint(Flow("office", Office("Mars/Olympus_Mons", TimeSpan.FromHours(8), TimeSpan.FromHours(18)))));

        Assert.Equal((DiagnosticCodes.UnknownTimeZone, "/calendars/office/timeZone", 4), (d.Code, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_IntervalEndingBeforeItStarts_ReportsInvalidHours()
    {
        var d = Assert.Single(Lint(Flow("office", Office("UTC", TimeSpan.FromHours(18), TimeSpan.FromHours(8)))));

        Assert.Equal((DiagnosticCodes.InvalidHours, "/calendars/office/hours"), (d.Code, d.Pointer));
    }

    [Fact]
    public void Lint_ValidCalendarUntilMidnight_ReportsNothing()
    {
        Assert.Empty(Lint(Flow("office", Office("America/New_York", TimeSpan.FromHours(20), TimeSpan.FromHours(24)))));
    }
}

public class RegexRuleTests
{
    [Fact]
    public void Lint_DigitsPatternInvalid_ReportsInvalidRegex()
    {
        var flow = Create([Digits("acct", "account", "bye", "bye") with { Pattern = "^[0-9{4}$" }, Hangup("bye")], ("/steps/acct/pattern", 13));

        var d = Assert.Single(Lint(flow));

        Assert.Equal((DiagnosticCodes.InvalidRegex, "/steps/acct/pattern", 13), (d.Code, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_MatchesConditionWithInvalidRegex_ReportsAtValue()
    {
        var flow = Create(
            [Branch("check", "bye", (When("check", 0, "caller.number", ConditionOp.Matches, "*33"), "bye")), Hangup("bye")]);

        Assert.Equal("/steps/check/conditions/0/when/value", Assert.Single(Lint(flow)).Pointer);
    }

    [Fact]
    public void Lint_EqualsConditionWithRegexLookingValue_ReportsNothing()
    {
        var flow = Create(
            [Branch("check", "bye", (When("check", 0, "caller.number", ConditionOp.Equals, "*33"), "bye")), Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }
}

public class SubflowRuleTests
{
    private static readonly Ivr.Flows.Model.Steps.SubflowStep Sub =
        new() { Name = "auth", Pointer = P("auth"), Flow = "identify", Next = "bye" };

    [Fact]
    public void Lint_SubflowNotInCatalog_ReportsUnknownSubflow()
    {
        var flow = Create([Sub, Hangup("bye")], ("/steps/auth/flow", 6));

        var d = Assert.Single(Lint(flow, new Ivr.Flows.Linting.LintOptions { FlowExists = id => id == "identity" }));

        Assert.Equal((DiagnosticCodes.UnknownSubflow, "/steps/auth/flow", 6), (d.Code, d.Pointer, d.Line));
    }

    [Fact]
    public void Lint_WithoutCatalog_SkipsSubflowCheck()
    {
        Assert.Empty(Lint(Create([Sub, Hangup("bye")])));
    }

    [Fact]
    public void Lint_ReturnInMainFlow_ReportsReturnOutsideSubflow()
    {
        var ret = new Ivr.Flows.Model.Steps.ReturnStep { Name = "done", Pointer = P("done") };
        var flow = Create([Play("hello", "done"), ret]);

        Assert.Equal(DiagnosticCodes.ReturnOutsideSubflow, Assert.Single(Lint(flow)).Code);
        Assert.Empty(Lint(flow, new Ivr.Flows.Linting.LintOptions { IsSubflow = true }));
    }
}

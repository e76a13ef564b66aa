using Ivr.Flows.Model;
using Microsoft.Extensions.Time.Testing;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class BranchBehaviorTests
{
    private static FlowDocument HoursFlow() => Flow("hours", "check",
        [
            Branch("check", "closed", (Open("paris"), "paris_open"), (Open("new_york"), "ny_open")),
            Hangup("paris_open", reason: "paris"),
            Hangup("ny_open", reason: "ny"),
            Hangup("closed", reason: "closed"),
        ],
        calendars:
        [
            WeekdayCalendar("paris", "Europe/Paris", "09:00", "18:00", new DateOnly(2026, 12, 25)),
            WeekdayCalendar("new_york", "America/New_York", "09:00", "18:00"),
        ]);

    [Theory]
    [InlineData("2026-11-23T09:00:00Z", "hangup:paris")]   // Monday 10:00 Paris, 04:00 New York
    [InlineData("2026-11-23T16:59:59Z", "hangup:paris")]   // 17:59:59 Paris
    [InlineData("2026-11-23T17:00:00Z", "hangup:ny")]      // 18:00 Paris (end exclusive), 12:00 New York
    [InlineData("2026-11-23T23:30:00Z", "hangup:closed")]  // 18:30 New York
    [InlineData("2026-11-28T15:00:00Z", "hangup:closed")]  // Saturday
    [InlineData("2026-12-25T10:00:00Z", "hangup:closed")]  // Paris holiday, 05:00 New York
    [InlineData("2026-12-25T15:00:00Z", "hangup:ny")]      // Paris holiday, 10:00 New York
    [InlineData("2026-07-06T07:30:00Z", "hangup:paris")]   // summer time: 09:30 Paris
    public void Calendars_AreEvaluatedInTheirOwnTimeZone_WithTheInjectedClock(string utc, string outcome)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

        var (_, host) = Start(HoursFlow(), time);

        Assert.Equal(outcome, host.Outcome?.Code);
    }

    [Fact]
    public void Calendars_FollowTheClockAcrossCalls()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var flow = Ivr.Flows.Runtime.FlowCompiler.Compile(HoursFlow());
        var host1 = new RecordingHost();
        flow.CreateRun(host1, Call(), time).Start();

        time.Advance(TimeSpan.FromHours(12));
        var host2 = new RecordingHost();
        flow.CreateRun(host2, Call(), time).Start();

        Assert.Equal("hangup:paris", host1.Outcome?.Code);
        Assert.Equal("hangup:closed", host2.Outcome?.Code);
    }

    [Theory]
    [InlineData(ConditionOp.Equals, "abc", new[] { "abc" }, true)]
    [InlineData(ConditionOp.Equals, "abc", new[] { "ABC" }, false)]
    [InlineData(ConditionOp.NotEquals, "abc", new[] { "x" }, true)]
    [InlineData(ConditionOp.StartsWith, "12345", new[] { "12" }, true)]
    [InlineData(ConditionOp.Matches, "A-17", new[] { "^[A-Z]-[0-9]+$" }, true)]
    [InlineData(ConditionOp.Matches, "A17", new[] { "^[A-Z]-[0-9]+$" }, false)]
    [InlineData(ConditionOp.In, "b", new[] { "a", "b" }, true)]
    [InlineData(ConditionOp.In, "c", new[] { "a", "b" }, false)]
    [InlineData(ConditionOp.Empty, "", new string[0], true)]
    [InlineData(ConditionOp.NotEmpty, "", new string[0], false)]
    [InlineData(ConditionOp.LessThan, "9", new[] { "10" }, true)]
    [InlineData(ConditionOp.GreaterThan, "9", new[] { "10" }, false)]
    [InlineData(ConditionOp.GreaterThan, "abc", new[] { "1" }, false)]
    public void VarConditions_CompareAsTheFormatSays(ConditionOp op, string value, string[] values, bool expected)
    {
        var doc = Flow("vars", "check",
            [
                Branch("check", "no", (Var("v", op, values), "yes")),
                Hangup("yes", reason: "yes"),
                Hangup("no", reason: "no"),
            ],
            variables: new Dictionary<string, string> { ["v"] = value });

        var (_, host) = Start(doc);

        Assert.Equal(expected ? "hangup:yes" : "hangup:no", host.Outcome?.Code);
    }

    [Fact]
    public void CompositeConditions_AllAnyNot()
    {
        var when = new AllCondition(
        [
            new AnyCondition([Var("a", ConditionOp.Equals, "1"), Var("a", ConditionOp.Equals, "2")], ""),
            new NotCondition(Var("b", ConditionOp.Empty), ""),
        ], "");
        var doc = Flow("composite", "check",
            [Branch("check", "no", (when, "yes")), Hangup("yes", reason: "yes"), Hangup("no", reason: "no")],
            variables: new Dictionary<string, string> { ["a"] = "2", ["b"] = "x" });

        var (_, host) = Start(doc);

        Assert.Equal("hangup:yes", host.Outcome?.Code);
    }
}

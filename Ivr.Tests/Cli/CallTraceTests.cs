using Ivr.Engine.Calls;
using Ivr.Engine.Cli;
using Ivr.Engine.Ops;

namespace Ivr.Tests.Cli;

/// <summary>How <c>dial --trace</c> renders the engine's timeline of a call: one line per event, each printed once.</summary>
public class CallTraceTests
{
    private static readonly DateTimeOffset Zero = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NewLines_ReadTwice_PrintsEachEventOnce_TimedFromTheGivenZero()
    {
        var trace = new CallTrace();
        List<TimelineEntry> entries =
        [
            new(Zero.AddSeconds(-0.2), "call", null, null, "INVITE from a to hotline on main@1"),
            new(Zero.AddSeconds(1.24), "step", "main", "menu", "menu"),
        ];

        var first = trace.NewLines(View(entries), Zero);
        entries.Add(new(Zero.AddSeconds(4), "edge", "main", "menu", "1 → billing"));
        entries.Add(new(Zero.AddSeconds(4), "step", "account", "ask", "digits"));
        entries.Add(new(Zero.AddSeconds(6.5), "input", "main", "menu", "said 'billing' (confidence 0.91)"));
        var second = trace.NewLines(View(entries), Zero);
        var third = trace.NewLines(View(entries), Zero);

        Assert.Equal(["[ -0.2s] ivr call    INVITE from a to hotline on main@1", "[  1.2s] ivr step    menu (menu)"], first);
        Assert.Equal(
            ["[  4.0s] ivr took    menu: 1 → billing", "[  4.0s] ivr step    account/ask (digits)", "[  6.5s] ivr input   menu: said 'billing' (confidence 0.91)"],
            second);
        Assert.Empty(third);
    }

    [Fact]
    public void Line_WhatACallerSent_HasItsControlCharactersEscaped()
    {
        // A From display name or a recognised text comes from the network: it must not drive the user's terminal.
        var entry = new TimelineEntry(Zero, "call", null, null, "INVITE from \u001b[2Jevil\u0007 to hotline");

        var line = CallTrace.Line(entry, Zero, "main");

        Assert.Equal("[  0.0s] ivr call    INVITE from \\x1B[2Jevil\\x07 to hotline", line);
        Assert.DoesNotContain(line, char.IsControl);
    }

    private static CallTimelineView View(List<TimelineEntry> entries) =>
        new(new CallSummary("c1", "a", "hotline", "main", "1", "in-flow", "menu", Zero.AddSeconds(-0.2), Zero, null, null), entries.ToList(), 0);
}

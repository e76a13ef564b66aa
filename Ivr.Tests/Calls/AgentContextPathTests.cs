using Ivr.Engine.Calls;

namespace Ivr.Tests.Calls;

/// <summary>The caller's path for the agent, read from timeline entries as the call writes them (no actors).</summary>
public class AgentContextPathTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    private static TimelineEntry E(string kind, string? step, string detail) => new(T, kind, "f", step, detail);

    [Fact]
    public void Read_MenuKeysAndWords_DigitsCounted_OffersWithTheirAnswers()
    {
        var (path, offers) = AgentContextPath.Read(
        [
            E("call", null, "answered"),
            E("step", "main_menu", "menu"),
            E("prompt", "main_menu", "\"For billing press 1\""),
            E("input", "main_menu", "DTMF 1"),
            E("step", "topic", "menu"),
            E("input", "topic", "said 'lost card' (confidence 0.82)"),
            E("step", "ask_account", "digits"),
            E("input", "ask_account", "DTMF 4"),
            E("input", "ask_account", "DTMF 2"),
            E("input", "ask_account", "DTMF 4"),
            E("input", "ask_account", "DTMF 2"),
            E("input", "ask_account", "DTMF #"),
            E("step", "lookup", "http"),
            E("step", "wait", "queue"),
            E("queue", "wait", "enqueue for billing (priority 5)"),
            E("queue", "wait", "offer: callback (wait over target) at position 3"),
            E("input", "wait", "DTMF 3"),
            E("queue", "wait", "offer: callback+message (abandonment rising) at position 2"),
            E("queue", "wait", "offer answered by speech: keep waiting"),
            E("queue", "wait", "offer: callback (wait over target) at position 1"),
        ]);

        Assert.Equal("main_menu[1] > topic['lost card'] > ask_account[5 digits] > lookup > wait", path);
        Assert.DoesNotContain("4242", path, StringComparison.Ordinal);
        Assert.Equal(
        [
            new("callback", "wait over target", 3, "key 3"),
            new("callback+message", "abandonment rising", 2, "said 'keep waiting'"),
            new("callback", "wait over target", 1, "none"),
        ], offers);
    }

    [Fact]
    public void Read_SpeechThatMatchedNothing_IsShownAsNoMatch()
    {
        var (path, offers) = AgentContextPath.Read([E("step", "m", "menu"), E("input", "m", "speech, no match (confidence 0.10)"), E("input", "m", "DTMF 2")]);

        Assert.Equal("m[no match][2]", path);
        Assert.Empty(offers);
    }

    [Fact]
    public void Read_NoEntries_IsAnEmptyPath()
    {
        var (path, offers) = AgentContextPath.Read([]);

        Assert.Equal(string.Empty, path);
        Assert.Empty(offers);
    }
}

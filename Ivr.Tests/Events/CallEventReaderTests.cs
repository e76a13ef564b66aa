using Ivr.Engine.Calls;
using Ivr.Engine.Events;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Events;

/// <summary>What the reader makes of a real <see cref="CallTimeline"/>: the contact path and <c>call.ended</c>.</summary>
public sealed class CallEventReaderTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero));
    private readonly FlowMetrics _flows = new();

    public void Dispose() => _flows.Dispose();

    [Fact]
    public void Close_DigitsStepKeys_AreCountedNotKept_MenuKeysAreKept()
    {
        var timeline = Timeline();
        // The entry StepEntered writes (kind "step", detail = the step's kind), written here without a FlowRun.
        timeline.Note("step", "main_menu", "menu");
        timeline.Digit('2', "hotline", "main_menu");
        timeline.Note("step", "account", "digits");
        foreach (var d in "81234567") timeline.Digit(d, "hotline", "account");
        timeline.Note("step", "pin", "digits");
        foreach (var d in "4321") timeline.Digit(d, "hotline", "pin");
        timeline.Ended("completed");

        var (events, contact) = new CallEventReader(timeline).Close();

        Assert.Equal("main_menu[2] > account[8 digits] > pin[4 digits]", contact.Path);
        var ended = events[^1];
        Assert.Equal(CallEventTypes.Ended, ended.Type);
        Assert.Equal(contact.Path, ended.Data.Path);
        Assert.DoesNotContain("8123", ended.Data.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Close_Transcripts_AreKeptOnlyWhenAskedFor()
    {
        var kept = Timeline();
        var dropped = Timeline();
        foreach (var timeline in new[] { kept, dropped })
        {
            timeline.Note("step", "ask", "speech");
            timeline.Speech("my card number is 4111", 0.9, "hotline", "ask");
            timeline.Ended("completed");
        }

        Assert.Equal("ask['my card number is 4111']", new CallEventReader(kept, keepTranscripts: true).Close().Contact.Path);
        Assert.Equal("ask[speech]", new CallEventReader(dropped).Close().Contact.Path);
    }

    private CallTimeline Timeline() => new(new CallInfo("c-" + Guid.NewGuid().ToString("N"), "+33698765432", null, "hotline"), "hotline", "1.0.0", _time, _flows);
}

using System.Diagnostics.Metrics;
using Ivr.Engine.Calls;
using Ivr.Engine.Events;
using Ivr.Flows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Events;

/// <summary>
/// The tap on a real <see cref="CallBoard"/> and real SQLite stores in a temp folder: what timelines turn into, and what
/// happens when the outbox cannot be written.
/// </summary>
public sealed class CallEventTapTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-events-tap-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero));
    private readonly FlowMetrics _flows = new();
    private readonly EventMetrics _metrics = new();

    public void Dispose()
    {
        _flows.Dispose();
        _metrics.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task CallbackAttempt_IsDialledConnectedEnded_AndItsContactIsTheCustomersNumber()
    {
        var board = new CallBoard(_time, _flows);
        var stores = new EventStores(_folder, _time);
        var tap = Tap(board, stores, types: "callback.*,call.connected,call.ended");

        var timeline = board.OpenCallback(new CallbackAttemptInfo(7, 2, "+33612345678", "ivr", "billing", "a1"));
        timeline.CustomerAnswered("sip-leg-1");
        timeline.AgentRinging("a1");
        _time.Advance(TimeSpan.FromSeconds(4));
        timeline.Connected("a1", "billing", null, "bridged");
        _time.Advance(TimeSpan.FromSeconds(30));
        board.Close(timeline, "connected");
        await tap.ScanAsync(CancellationToken.None);

        var pending = await (await stores.OutboxAsync()).PendingAsync("crm", 10);
        Assert.Equal([CallEventTypes.CallbackDialled, CallEventTypes.Connected, CallEventTypes.Ended], pending.Select(p => p.Event.Type));
        Assert.Equal(["callback-7-2/1", "callback-7-2/2", "callback-7-2/3"], pending.Select(p => p.Event.EventId));
        Assert.Contains("\"callbackId\":7", pending[0].Event.Body, StringComparison.Ordinal);
        Assert.Contains("\"attempt\":2", pending[0].Event.Body, StringComparison.Ordinal);
        Assert.Contains("\"durationSeconds\":34", pending[2].Event.Body, StringComparison.Ordinal);
        var contacts = await (await stores.ContactsAsync()).ContactsAsync("+33612345678", _time.GetUtcNow().AddHours(-1));
        var contact = Assert.Single(contacts);
        Assert.Equal(("callback-7-2", "callback", "billing", "a1", "connected", (string?)null), (contact.CallId, contact.Kind, contact.Skill, contact.Agent, contact.Outcome, contact.Flow));
    }

    [Fact]
    public async Task OutboxUnwritable_TheCallEndsAsUsual_ItIsCountedAndEverythingIsWrittenOnceItIsBack()
    {
        // A folder where the database file should be: SQLite cannot open it.
        var blocked = Path.Combine(_folder, "ivr.db");
        Directory.CreateDirectory(blocked);
        var board = new CallBoard(_time, _flows);
        var stores = new EventStores(_folder, _time);
        var tap = Tap(board, stores);
        long writeFailed = 0, contactFailed = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name.EndsWith(EventMetrics.MeterName, StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "ivr.events.write_failed") Interlocked.Add(ref writeFailed, value);
            if (instrument.Name == "ivr.contacts.write_failed") Interlocked.Add(ref contactFailed, value);
        });
        listener.Start();

        var timeline = board.Open(new CallInfo("c-1", "+33698765432", null, "hotline"), "hotline", "1.0.0");
        timeline.Answered();
        timeline.Digit('2', "hotline", "main_menu");
        board.Close(timeline, "completed");
        await tap.ScanAsync(CancellationToken.None);
        await tap.ScanAsync(CancellationToken.None);

        Assert.Equal("ended", board.Recent()[0].State);
        Assert.Equal(4, Interlocked.Read(ref writeFailed));
        Assert.Equal(2, Interlocked.Read(ref contactFailed));

        Directory.Delete(blocked);
        await tap.ScanAsync(CancellationToken.None);

        var pending = await (await stores.OutboxAsync()).PendingAsync("crm", 10);
        Assert.Equal(["c-1/1", "c-1/2"], pending.Select(p => p.Event.EventId));
        Assert.Equal([CallEventTypes.Started, CallEventTypes.Ended], pending.Select(p => p.Event.Type));
        var contact = Assert.Single(await (await stores.ContactsAsync()).ContactsAsync("+33698765432", _time.GetUtcNow().AddHours(-1)));
        Assert.Equal("completed", contact.Outcome);
    }

    [Fact]
    public async Task StopAsync_WithEventsTheOutboxStillRefuses_CountsThemAsDropped()
    {
        var blocked = Path.Combine(_folder, "ivr.db");
        Directory.CreateDirectory(blocked);
        var board = new CallBoard(_time, _flows);
        var stores = new EventStores(_folder, _time);
        var tap = Tap(board, stores);
        long dropped = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name.EndsWith(EventMetrics.MeterName, StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "ivr.events.dropped") Interlocked.Add(ref dropped, value);
        });
        listener.Start();
        await tap.StartAsync(CancellationToken.None);

        var timeline = board.Open(new CallInfo("c-stop", "+33698765432", null, "hotline"), "hotline", "1.0.0");
        timeline.Answered();
        board.Close(timeline, "completed");
        await tap.StopAsync(CancellationToken.None);

        // call.started and call.ended of the one call, for the one webhook: both were never written.
        Assert.Equal(2, Interlocked.Read(ref dropped));
        await tap.DisposeAsync();
    }

    private CallEventTap Tap(CallBoard board, EventStores stores, string? types = null)
    {
        var options = new EventsOptions();
        options.Webhooks["crm"] = new WebhookOptions { Url = "http://127.0.0.1:9/events", Secret = "k", Types = types };
        var (targets, errors) = WebhookTarget.From(options);
        Assert.Empty(errors);
        return new CallEventTap(board, stores, targets, options, _metrics, _time, NullLogger<CallEventTap>.Instance);
    }
}

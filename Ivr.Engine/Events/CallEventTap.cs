using System.Threading.Channels;
using Ivr.Engine.Calls;
using Ivr.Engine.Contacts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Events;

/// <summary>
/// Follows every call on the <see cref="CallBoard"/> (subscribed to its open and close): reads each live call's timeline
/// every <see cref="EventsOptions.ScanInterval"/>, writes the call's events to the outbox (one row per webhook that takes
/// the type) and, when a call ends, its row in the contact history. It runs beside the calls, never in them: a store that
/// cannot be written is logged and counted, the rows wait in memory (bounded) and are written when it is back.
/// </summary>
public sealed class CallEventTap : ICallBoardObserver, IHostedService, IAsyncDisposable
{
    private readonly Channel<(CallTimeline Timeline, bool Closed)> _notes =
        Channel.CreateUnbounded<(CallTimeline, bool)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Dictionary<CallTimeline, CallEventReader> _readers = new(ReferenceEqualityComparer.Instance);
    private readonly List<OutboxEvent> _unwritten = [];
    private readonly List<ContactRecord> _unwrittenContacts = [];
    private readonly EventStores _stores;
    private readonly IReadOnlyList<WebhookTarget> _webhooks;
    private readonly CloudEventEncoder _encoder;
    private readonly EventsOptions _options;
    private readonly EventMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ContactsOptions _contacts;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _disposed;
    private bool _outboxDown;
    private bool _contactsDown;

    /// <summary>Creates the tap and subscribes it to <paramref name="board"/>.</summary>
    public CallEventTap(
        CallBoard board, EventStores stores, IReadOnlyList<WebhookTarget> webhooks, EventsOptions options, EventMetrics metrics,
        TimeProvider time, ILogger<CallEventTap> log, ContactsOptions? contacts = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(options);
        _stores = stores;
        _webhooks = webhooks;
        _options = options;
        _metrics = metrics;
        _time = time;
        _log = log;
        _contacts = contacts ?? new ContactsOptions();
        _encoder = new CloudEventEncoder(options.Source);
        board.Subscribe(this);
    }

    /// <summary>Raised after events were written to the outbox (the dispatcher sends them at once).</summary>
    public event Action? Written;

    /// <inheritdoc />
    public void Opened(CallTimeline timeline) => _notes.Writer.TryWrite((timeline, false));

    /// <inheritdoc />
    public void Closed(CallTimeline timeline) => _notes.Writer.TryWrite((timeline, true));

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is { } loop) await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        // The calls ended by the drain: their last events and contacts are written before the engine stops.
        await ScanAsync(CancellationToken.None).ConfigureAwait(false);
        // What the store still refused is lost with the process: counted and said, never silently.
        if (_unwritten.Count > 0 || _unwrittenContacts.Count > 0)
        {
            _metrics.Dropped.Add(_unwritten.Count);
            _log.LogError("Events: stopping with {Events} event(s) and {Contacts} contact row(s) still unwritten (the store refused them); they are dropped, first event: {Id}",
                _unwritten.Count, _unwrittenContacts.Count, _unwritten.Count > 0 ? _unwritten[0].EventId : "-");
            _unwritten.Clear();
            _unwrittenContacts.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as its hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    /// <summary>Reads every followed call once and writes what is new (what the loop does each interval).</summary>
    internal async Task ScanAsync(CancellationToken cancellationToken)
    {
        var events = new List<CallEvent>();
        var contacts = new List<ContactRecord>();
        while (_notes.Reader.TryRead(out var note))
        {
            if (!_readers.TryGetValue(note.Timeline, out var reader)) _readers[note.Timeline] = reader = new CallEventReader(note.Timeline, _contacts.KeepTranscripts);
            if (!note.Closed) continue;
            // Events of the calls followed so far come first: each call's own order is kept either way.
            var (last, contact) = reader.Close();
            events.AddRange(last);
            contacts.Add(contact);
            _readers.Remove(note.Timeline);
        }
        foreach (var reader in _readers.Values) events.AddRange(reader.Read());
        if (_webhooks.Count > 0)
        {
            foreach (var e in events)
            {
                string? body = null;
                foreach (var hook in _webhooks)
                {
                    if (!hook.Takes(e.Type)) continue;
                    body ??= _encoder.Encode(e);
                    _unwritten.Add(new OutboxEvent(e.Id, hook.Name, e.Type, e.Data.CallId, body, _time.GetUtcNow()));
                }
            }
            await WriteEventsAsync(cancellationToken).ConfigureAwait(false);
        }
        _unwrittenContacts.AddRange(contacts);
        await WriteContactsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using (var tick = new CancellationTokenSource(_options.ScanInterval, _time))
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, tick.Token))
            {
                try
                {
                    await _notes.Reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // The interval passed with no call opened or closed: read the live calls anyway.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            // The stop only ends the wait: a write under way finishes (bounded by the database's own timeouts), so nothing
            // read from a timeline is lost between the loop and the last scan of StopAsync.
            try
            {
                await ScanAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The loop outlives any one bad scan: an unexpected failure is logged and counted, the next interval reads again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _metrics.LoopFailed.Add(1, new KeyValuePair<string, object?>("loop", "tap"));
                _log.LogError(ex, "Events: a scan of the calls' timelines failed unexpectedly; the tap goes on at the next interval");
            }
        }
    }

    private async Task WriteEventsAsync(CancellationToken cancellationToken)
    {
        if (_unwritten.Count == 0) return;
        try
        {
            var outbox = await _stores.OutboxAsync().ConfigureAwait(false);
            await outbox.AppendAsync(_unwritten, cancellationToken).ConfigureAwait(false);
            foreach (var e in _unwritten) _metrics.Written.Add(1, new KeyValuePair<string, object?>("type", e.Type));
            if (_outboxDown) _log.LogInformation("Events: the outbox is written again ({Count} event(s) kept in memory meanwhile)", _unwritten.Count);
            _outboxDown = false;
            _unwritten.Clear();
            Written?.Invoke();
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            _metrics.WriteFailed.Add(_unwritten.Count);
            if (!_outboxDown) _log.LogError("Events: the outbox cannot be written ({Reason}); {Count} event(s) kept in memory and tried again", StoreFailure.Describe(ex), _unwritten.Count);
            _outboxDown = true;
            if (_unwritten.Count > _options.MaxUnwritten)
            {
                var drop = _unwritten.Count - _options.MaxUnwritten;
                _log.LogError("Events: {Count} event(s) dropped, the outbox stayed unwritable past Events:MaxUnwritten ({Max}); first dropped: {Id}", drop, _options.MaxUnwritten, _unwritten[0].EventId);
                _metrics.Dropped.Add(drop);
                _unwritten.RemoveRange(0, drop);
            }
        }
    }

    private async Task WriteContactsAsync(CancellationToken cancellationToken)
    {
        while (_unwrittenContacts.Count > 0)
        {
            try
            {
                var history = await _stores.ContactsAsync().ConfigureAwait(false);
                await history.RecordAsync(_unwrittenContacts[0], cancellationToken).ConfigureAwait(false);
                _unwrittenContacts.RemoveAt(0);
                if (_contactsDown) _log.LogInformation("Contacts: the contact history is written again");
                _contactsDown = false;
            }
            catch (Exception ex) when (StoreFailure.Is(ex))
            {
                _metrics.ContactWriteFailed.Add(1);
                if (!_contactsDown) _log.LogError("Contacts: the contact of call {CallId} cannot be written ({Reason}); kept in memory and tried again", _unwrittenContacts[0].CallId, StoreFailure.Describe(ex));
                _contactsDown = true;
                if (_unwrittenContacts.Count > _options.MaxUnwritten) _unwrittenContacts.RemoveRange(0, _unwrittenContacts.Count - _options.MaxUnwritten);
                return;
            }
        }
    }
}

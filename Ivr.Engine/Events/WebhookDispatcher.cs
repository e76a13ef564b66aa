using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Events;

/// <summary>
/// Drains the outbox: for each webhook whose lease this node holds (or takes), POSTs its undelivered events in the order
/// written, signed, one at a time; a failure (refused, timed out, non-2xx) holds that webhook's line until the back-off
/// has passed, so events are never reordered. Delivery is at least once: an event is marked delivered after its 2xx.
/// </summary>
public sealed class WebhookDispatcher : IHostedService, IAsyncDisposable
{
    private const int Batch = 100;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);

    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly EventStores _stores;
    private readonly IReadOnlyList<WebhookTarget> _webhooks;
    private readonly EventsOptions _options;
    private readonly EventMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _owner;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, int> _failing = new(StringComparer.Ordinal);
    private Task? _loop;
    private int _disposed;
    private bool _storeDown;
    private DateTimeOffset _purgedAt = DateTimeOffset.MinValue;

    /// <summary>Creates the dispatcher; <paramref name="owner"/> names this node on the webhooks' leases.</summary>
    public WebhookDispatcher(
        EventStores stores, IReadOnlyList<WebhookTarget> webhooks, EventsOptions options, EventMetrics metrics, string owner,
        TimeProvider time, ILogger<WebhookDispatcher> log)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(options);
        _stores = stores;
        _webhooks = webhooks;
        _options = options;
        _metrics = metrics;
        _owner = owner;
        _time = time;
        _log = log;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = options.Timeout, AllowAutoRedirect = false })
        {
            Timeout = options.Timeout,
        };
    }

    /// <summary>New events were written: look at the outbox now rather than at the next poll.</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var hook in _webhooks)
        {
            _log.LogInformation("Events: webhook {Name} → {Url} ({Types}){Unsigned}", hook.Name, hook.SafeUrl, hook.Types.Count == 0 ? "all types" : string.Join(", ", hook.Types),
                hook.Secret is null ? "; no Secret: requests are NOT signed" : string.Empty);
        }
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A POST cut by the stop stays undelivered in the outbox: sent again after the restart.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as its hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        _stop.Dispose();
        _http.Dispose();
    }

    /// <summary>One round: each webhook's due events are sent (what the loop does at each poll or nudge).</summary>
    internal async Task DeliverOnceAsync(CancellationToken cancellationToken)
    {
        IEventOutbox outbox;
        try
        {
            outbox = await _stores.OutboxAsync().ConfigureAwait(false);
            foreach (var hook in _webhooks) await DeliverAsync(outbox, hook, cancellationToken).ConfigureAwait(false);
            _metrics.SetDepth(await outbox.DepthAsync(cancellationToken).ConfigureAwait(false));
            var now = _time.GetUtcNow();
            if (now - _purgedAt > PurgeEvery)
            {
                _purgedAt = now;
                await outbox.PurgeDeliveredAsync(now - _options.KeepDelivered, cancellationToken).ConfigureAwait(false);
            }
            if (_storeDown) _log.LogInformation("Events: the outbox can be read again");
            _storeDown = false;
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            if (!_storeDown) _log.LogError("Events: the outbox cannot be read ({Reason}); delivery resumes when it can", StoreFailure.Describe(ex));
            _storeDown = true;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                try
                {
                    await DeliverOnceAsync(stop).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The loop outlives any one bad round: an unexpected failure is logged and counted, the next poll tries again.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    _metrics.LoopFailed.Add(1, new KeyValuePair<string, object?>("loop", "dispatcher"));
                    _log.LogError(ex, "Events: a delivery round failed unexpectedly; the dispatcher tries again at the next poll");
                }
                using var tick = new CancellationTokenSource(_options.PollInterval, _time);
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, tick.Token);
                try
                {
                    await _nudges.Reader.ReadAsync(wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // The poll interval passed: a held event may be due now.
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(IEventOutbox outbox, WebhookTarget hook, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var leaseUntil = now + _options.Lease;
        if (!await outbox.TryLeaseAsync(hook.Name, _owner, now, leaseUntil, cancellationToken).ConfigureAwait(false)) return;
        var pending = await outbox.PendingAsync(hook.Name, Batch, cancellationToken).ConfigureAwait(false);
        foreach (var item in pending)
        {
            now = _time.GetUtcNow();
            // The head of the line waits out its back-off, and everything after it waits with it (order is kept).
            if (item.NextAttemptAt > now) return;
            // A POST that could outlast the lease is left for the next round, after the lease is renewed.
            if (now + _options.Timeout >= leaseUntil) return;
            var failure = await SendAsync(hook, item.Event, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                await outbox.MarkDeliveredAsync(item.Id, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                _metrics.Sent.Add(1, new KeyValuePair<string, object?>("webhook", hook.Name));
                if (_failing.Remove(hook.Name, out var failed))
                    _log.LogInformation("Events: webhook {Name} takes events again ({Failed} failed attempt(s) meanwhile)", hook.Name, failed);
                continue;
            }
            var wait = Backoff(item.Attempts);
            await outbox.MarkFailedAsync(item.Id, failure, _time.GetUtcNow() + wait, cancellationToken).ConfigureAwait(false);
            _metrics.Failed.Add(1, new KeyValuePair<string, object?>("webhook", hook.Name));
            var count = _failing[hook.Name] = _failing.GetValueOrDefault(hook.Name) + 1;
            if (count == 1)
                _log.LogWarning("Events: webhook {Name} did not take event {Id} ({Failure}); retrying with back-off, the events after it wait", hook.Name, item.Event.EventId, failure);
            return;
        }
    }

    private TimeSpan Backoff(int attemptsBefore)
    {
        var factor = Math.Pow(2, Math.Min(attemptsBefore, 20));
        var wait = TimeSpan.FromTicks((long)Math.Min(_options.RetryMin.Ticks * factor, _options.RetryMax.Ticks));
        return wait < _options.RetryMin ? _options.RetryMin : wait;
    }

    private async Task<string?> SendAsync(WebhookTarget hook, OutboxEvent e, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(e.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(CloudEventEncoder.ContentType);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        if (hook.Secret is { } secret) request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (HttpRequestException ex)
        {
            return ex.HttpRequestError == HttpRequestError.ConnectionError ? "connection failed: " + ex.Message : ex.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
    }
}

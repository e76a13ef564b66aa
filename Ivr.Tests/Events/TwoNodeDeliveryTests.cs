using Ivr.Engine.Events;
using Ivr.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Events;

/// <summary>
/// Two nodes' dispatchers draining one PostgreSQL outbox at the same time, into one real Kestrel receiver: the webhook's
/// lease lets one node send at a time, so every event arrives once, in the order written.
/// </summary>
public sealed class TwoNodeDeliveryTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task TwoDispatchersOnOneOutbox_DeliverEachEventOnce_InOrder()
    {
        await using var receiver = new WebhookReceiver("k");
        await receiver.StartAsync();
        var connection = await server.CreateDatabaseAsync();
        await using var stores1 = new EventStores(Path.GetTempPath(), TimeProvider.System, "postgres", connection);
        await using var stores2 = new EventStores(Path.GetTempPath(), TimeProvider.System, "postgres", connection);
        var options = new EventsOptions { Lease = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromSeconds(5) };
        options.Webhooks["crm"] = new WebhookOptions { Url = receiver.Url, Secret = "k" };
        var (targets, _) = WebhookTarget.From(options);
        using var metrics = new EventMetrics();
        await using var n1 = new WebhookDispatcher(stores1, targets, options, metrics, "n1", TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
        await using var n2 = new WebhookDispatcher(stores2, targets, options, metrics, "n2", TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
        var encoder = new CloudEventEncoder("/ivr");
        var outbox = await stores1.OutboxAsync();
        var written = new List<string>();

        // Events keep arriving while both nodes drain: 6 calls of 10 events each, written in batches between rounds.
        for (var batch = 0; batch < 6; batch++)
        {
            var events = Enumerable.Range(1, 10).Select(seq => new CallEvent(CallEventTypes.Queued, new CallEventData
            {
                CallId = "call-" + batch,
                Kind = "inbound",
                Sequence = seq,
                At = DateTimeOffset.UtcNow,
            })).ToList();
            await outbox.AppendAsync(events.Select(e => new OutboxEvent(e.Id, "crm", e.Type, e.Data.CallId, encoder.Encode(e), DateTimeOffset.UtcNow)).ToList());
            written.AddRange(events.Select(e => e.Id));
            await Task.WhenAll(Task.Run(() => n1.DeliverOnceAsync(CancellationToken.None)), Task.Run(() => n2.DeliverOnceAsync(CancellationToken.None)));
        }
        for (var round = 0; round < 10 && await outbox.DepthAsync() > 0; round++)
            await Task.WhenAll(Task.Run(() => n1.DeliverOnceAsync(CancellationToken.None)), Task.Run(() => n2.DeliverOnceAsync(CancellationToken.None)));

        Assert.Equal(0, await outbox.DepthAsync());
        Assert.Equal(written, receiver.Requests.Select(r => r.Id));
        Assert.All(receiver.Requests, r => Assert.True(r.Verified && r.Accepted));
    }
}

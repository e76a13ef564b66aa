using Ivr.Engine.Events;

namespace Ivr.Tests.Events;

/// <summary>What every <see cref="IEventOutbox"/> must do, run against each provider.</summary>
public abstract class EventOutboxContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An outbox on the test's database, as a new process (or another node) opens it.</summary>
    protected abstract Task<IEventOutbox> Open();

    private static OutboxEvent Event(string id, string webhook = "crm", int second = 0) =>
        new(id, webhook, "com.ivr.call.started", "call-" + id, "{\"id\":\"" + id + "\"}", T0.AddSeconds(second));

    [Fact]
    public async Task AppendAsync_ThenReopen_PendingInTheOrderWritten_AnEventTwiceKeptOnce()
    {
        var outbox = await Open();
        await outbox.AppendAsync([Event("c/1"), Event("c/2"), Event("c/1", "audit")]);
        await outbox.AppendAsync([Event("c/2"), Event("c/3")]);

        var reopened = await Open();
        var crm = await reopened.PendingAsync("crm", 10);
        var audit = await reopened.PendingAsync("audit", 10);

        Assert.Equal(["c/1", "c/2", "c/3"], crm.Select(i => i.Event.EventId));
        Assert.Equal(Event("c/1"), crm[0].Event);
        Assert.Equal(0, crm[0].Attempts);
        Assert.Equal(T0, crm[0].NextAttemptAt);
        Assert.Equal(["c/1"], audit.Select(i => i.Event.EventId));
        Assert.Equal(4, await reopened.DepthAsync());
        Assert.Equal(["c/1", "c/2"], (await reopened.PendingAsync("crm", 2)).Select(i => i.Event.EventId));
    }

    [Fact]
    public async Task MarkFailed_CountsTheAttemptAndHoldsIt_MarkDelivered_TakesItOutForGood()
    {
        var outbox = await Open();
        await outbox.AppendAsync([Event("c/1"), Event("c/2")]);
        var head = (await outbox.PendingAsync("crm", 10))[0];

        await outbox.MarkFailedAsync(head.Id, "HTTP 500 Internal Server Error", T0.AddSeconds(4));
        await outbox.MarkFailedAsync(head.Id, "connection refused", T0.AddSeconds(8));
        var failed = (await outbox.PendingAsync("crm", 10))[0];
        await outbox.MarkDeliveredAsync(head.Id, T0.AddSeconds(9));
        await outbox.MarkFailedAsync(head.Id, "late", T0.AddSeconds(20));
        var reopened = await Open();

        Assert.Equal((head.Id, 2, T0.AddSeconds(8), "connection refused"), (failed.Id, failed.Attempts, failed.NextAttemptAt, failed.LastError));
        Assert.Equal(["c/2"], (await reopened.PendingAsync("crm", 10)).Select(i => i.Event.EventId));
        Assert.Equal(1, await reopened.DepthAsync());
    }

    [Fact]
    public async Task PurgeDelivered_DeletesOnlyDeliveredBeforeTheCut()
    {
        var outbox = await Open();
        await outbox.AppendAsync([Event("c/1"), Event("c/2"), Event("c/3")]);
        var items = await outbox.PendingAsync("crm", 10);
        await outbox.MarkDeliveredAsync(items[0].Id, T0.AddDays(1));
        await outbox.MarkDeliveredAsync(items[1].Id, T0.AddDays(5));

        var purged = await outbox.PurgeDeliveredAsync(T0.AddDays(2));
        await outbox.AppendAsync([Event("c/1")]);

        Assert.Equal(1, purged);
        // A purged event written again (a rewrite long after) is a new row: purging is for events delivered long ago.
        Assert.Equal(["c/3", "c/1"], (await outbox.PendingAsync("crm", 10)).Select(i => i.Event.EventId));
    }

    [Fact]
    public async Task PurgeDelivered_MoreThanOneChunk_DeletesThemAll_KeepsTheUndelivered()
    {
        var outbox = await Open();
        await outbox.AppendAsync(Enumerable.Range(1, 2_501).Select(i => Event("p/" + i)).ToList());
        var items = await outbox.PendingAsync("crm", 3_000);
        foreach (var item in items.Take(2_500)) await outbox.MarkDeliveredAsync(item.Id, T0.AddDays(1));

        var purged = await outbox.PurgeDeliveredAsync(T0.AddDays(2));

        Assert.Equal(2_500, purged);
        Assert.Equal(["p/2501"], (await outbox.PendingAsync("crm", 10)).Select(i => i.Event.EventId));
    }

    [Fact]
    public async Task TryLease_OneOwnerAtATime_RenewedByItsOwner_TakenOverOnlyOnceExpired()
    {
        var n1 = await Open();
        var n2 = await Open();

        Assert.True(await n1.TryLeaseAsync("crm", "n1", T0, T0.AddSeconds(30)));
        Assert.False(await n2.TryLeaseAsync("crm", "n2", T0.AddSeconds(1), T0.AddSeconds(31)));
        Assert.True(await n2.TryLeaseAsync("audit", "n2", T0.AddSeconds(1), T0.AddSeconds(31)));
        Assert.True(await n1.TryLeaseAsync("crm", "n1", T0.AddSeconds(20), T0.AddSeconds(50)));
        Assert.False(await n2.TryLeaseAsync("crm", "n2", T0.AddSeconds(40), T0.AddSeconds(70)));
        Assert.True(await n2.TryLeaseAsync("crm", "n2", T0.AddSeconds(51), T0.AddSeconds(81)));
        Assert.False(await n1.TryLeaseAsync("crm", "n1", T0.AddSeconds(52), T0.AddSeconds(82)));
    }

    [Fact]
    public async Task TryLease_TwoNodesRacing_ExactlyOneWinsEachExpiredLease()
    {
        var n1 = await Open();
        var n2 = await Open();
        var winners = new List<string>();

        for (var round = 0; round < 40; round++)
        {
            var now = T0.AddMinutes(round);
            var until = now.AddSeconds(30);
            var results = await Task.WhenAll(
                Task.Run(() => n1.TryLeaseAsync("crm", "n1", now, until)),
                Task.Run(() => n2.TryLeaseAsync("crm", "n2", now, until)));
            Assert.True(results.Count(r => r) == 1, $"round {round}: {results[0]} / {results[1]}");
            winners.Add(results[0] ? "n1" : "n2");
        }

        Assert.Equal(40, winners.Count);
    }
}

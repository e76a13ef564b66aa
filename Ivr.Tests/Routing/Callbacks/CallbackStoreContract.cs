using Ivr.Engine.Routing.Callbacks;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Routing.Callbacks;

/// <summary>
/// What every <see cref="ICallbackStore"/> must do, run against each provider (<see cref="SqliteCallbackStoreTests"/>,
/// <see cref="PostgresCallbackStoreTests"/>): booking, leasing in place order, retries, recovery after a crash, leases
/// that name their owner and lapse unless renewed.
/// </summary>
public abstract class CallbackStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    protected static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(60);

    /// <summary>A store on the test's database, as a new process (or another node) opens it.</summary>
    protected abstract Task<ICallbackStore> Open(CallbackRetryPolicy? retry = null, CallbackLeaseOptions? lease = null, DateTimeOffset? now = null);

    /// <summary>What a killed process leaves behind: its pooled connections are gone.</summary>
    protected abstract void Crash();

    protected static CallbackLeaseOptions Node(string name) => new(name, LeaseLength);

    protected static CallbackBooking Booking(string key, int minute = 0, string skill = "support") =>
        new(key, skill, "+33612345678", "+33612345678", T0.AddMinutes(minute), T0.AddMinutes(minute + 1));

    [Fact]
    public async Task BookAsync_KeepsTheCallersLanguage_ForTheGreeting()
    {
        var store = await Open();

        var french = await store.BookAsync(Booking("call-fr") with { Language = "fr-FR" });
        var unknown = await store.BookAsync(Booking("call-none", minute: 1));

        Assert.Equal("fr-FR", french.Record.Language);
        Assert.Null(unknown.Record.Language);
        Assert.Equal(["fr-FR", null], (await store.ListPendingAsync()).Select(c => c.Language));
        Assert.Equal("fr-FR", (await store.LeaseNextDueAsync("support", T0.AddMinutes(5)))!.Language);
    }

    [Fact]
    public async Task BookAsync_SameKeyTwice_BooksOnce()
    {
        var store = await Open();

        var first = await store.BookAsync(Booking("call-1"));
        var again = await store.BookAsync(Booking("call-1") with { Number = "+33700000000" });

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Record, again.Record);
        var pending = Assert.Single(await store.ListPendingAsync());
        Assert.Equal(CallbackState.Pending, pending.State);
        Assert.Equal(T0, pending.EnteredQueueAt);
    }

    [Fact]
    public async Task LeaseNextDueAsync_ServesOriginalPlaceOrderAndOnlyDueOnes()
    {
        var store = await Open();
        await store.BookAsync(Booking("late", minute: 5));
        await store.BookAsync(Booking("early", minute: 1));
        await store.BookAsync(Booking("other-skill", minute: 0, skill: "billing"));

        var lease = await store.LeaseNextDueAsync("support", T0.AddMinutes(10));

        Assert.Equal("early", lease!.IdempotencyKey);
        Assert.Equal(CallbackState.Dialling, lease.State);
        Assert.Equal(1, lease.Attempts);
        Assert.Null(await store.LeaseNextDueAsync("support", T0));
    }

    [Fact]
    public async Task LeaseNextDueAsync_TwoNodesRacing200Times_NeverLeaseTheSameCallback()
    {
        const int Count = 200;
        var first = await Open(lease: Node("n1"));
        for (var i = 0; i < Count; i++) await first.BookAsync(Booking($"k{i}", minute: i % 7));
        var second = await Open(lease: Node("n2"));
        var now = T0.AddHours(1);

        // Each node leases as fast as it can, on its own connections, until nothing is due.
        async Task<List<CallbackRecord>> Drain(ICallbackStore s)
        {
            var leases = new List<CallbackRecord>();
            for (var round = 0; round < Count + 1 && await Task.Run(() => s.LeaseNextDueAsync("support", now)) is { } lease; round++) leases.Add(lease);
            return leases;
        }
        var results = await Task.WhenAll(Drain(first), Drain(second));

        var all = results[0].Concat(results[1]).ToList();
        Assert.Equal(Count, all.Count);
        Assert.Equal(Count, all.Select(l => l.Id).Distinct().Count());
        Assert.All(results[0], l => Assert.Equal("n1", l.LeaseOwner));
        Assert.All(results[1], l => Assert.Equal("n2", l.LeaseOwner));
        Assert.Empty(await first.ListPendingAsync());
    }

    [Fact]
    public async Task LeaseAsync_NamesItsOwnerAndExpiry_AndOnlyTheOwnerSettlesIt()
    {
        var n1 = await Open(lease: Node("n1"));
        var n2 = await Open(lease: Node("n2"));
        var id = (await n1.BookAsync(Booking("owned"))).Record.Id;
        var now = T0.AddMinutes(5);

        var lease = (await n1.LeaseAsync(id, now))!;

        Assert.Equal(("n1", now + LeaseLength), (lease.LeaseOwner, lease.LeaseExpiresAt));
        Assert.Null(await n2.LeaseAsync(id, now));
        Assert.False(await n2.RecordConversationAsync(id, now, now));
        Assert.Null(await n2.ReleaseUndialledAsync(id, now));
        Assert.Null(await n2.CompleteAsync(id, CallbackAttemptResult.Connected, now));
        var done = (await n1.CompleteAsync(id, CallbackAttemptResult.Connected, now.AddSeconds(5)))!;
        Assert.Equal((CallbackState.Connected, "n1", (DateTimeOffset?)null), (done.State, done.LeaseOwner, done.LeaseExpiresAt));
    }

    [Fact]
    public async Task RecoverExpiredAsync_ADeadNodesLeases_AreTakenOverByAnother_ServedOrRedialledByServedAfter()
    {
        var retry = new CallbackRetryPolicy(3, TimeSpan.FromMinutes(2)) { ServedAfter = TimeSpan.FromSeconds(30) };
        var dead = await Open(retry, Node("n1"));
        var survivor = await Open(retry, Node("n2"));
        foreach (var key in new[] { "talked-long", "talked-briefly", "still-ringing" }) await dead.BookAsync(Booking(key));
        var now = T0.AddMinutes(5);
        var leases = new Dictionary<string, CallbackRecord>(StringComparer.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            var lease = (await dead.LeaseNextDueAsync("support", now))!;
            leases[lease.IdempotencyKey] = lease;
        }
        Assert.True(await dead.RecordConversationAsync(leases["talked-long"].Id, now, now));
        Assert.True(await dead.RecordConversationAsync(leases["talked-briefly"].Id, now, now));
        Assert.True(await dead.RecordConversationAsync(leases["talked-briefly"].Id, now, now.AddSeconds(10)));
        Assert.True(await dead.RecordConversationAsync(leases["talked-long"].Id, now, now.AddSeconds(30)));
        // n1 dies here: it renews nothing more. Its own recovery pass would leave its leases alone; the survivor's
        // waits for them to lapse.
        Crash();
        Assert.Equal(new CallbackRecovery(0, 0), await dead.RecoverExpiredAsync(now.AddMinutes(10)));
        Assert.Equal(new CallbackRecovery(0, 0), await survivor.RecoverExpiredAsync(now + LeaseLength - TimeSpan.FromSeconds(1)));

        var recovered = await survivor.RecoverExpiredAsync(now + LeaseLength);

        Assert.Equal(new CallbackRecovery(PutBack: 2, Served: 1), recovered);
        var served = (await survivor.GetAsync(leases["talked-long"].Id))!;
        Assert.Equal((CallbackState.Connected, 1), (served.State, served.Attempts));
        Assert.Equal("Served: in conversation for at least 30 s when n1 stopped renewing its lease", served.LastOutcome);
        var pending = await survivor.ListPendingAsync("support");
        Assert.Equal(["talked-briefly", "still-ringing"], pending.Select(p => p.IdempotencyKey));
        Assert.All(pending, p => Assert.Equal("Interrupted: the lease of n1 expired", p.LastOutcome));
        Assert.All(pending, p => Assert.Equal(now + LeaseLength, p.NextAttemptAt));
        Assert.Equal(new CallbackRecovery(0, 0), await survivor.RecoverExpiredAsync(now.AddHours(1)));

        // The survivor dials them again, once each; the dead node, were it to wake, can no longer settle them.
        var redial = (await survivor.LeaseNextDueAsync("support", now + LeaseLength))!;
        Assert.Equal(("talked-briefly", 2, "n2"), (redial.IdempotencyKey, redial.Attempts, redial.LeaseOwner));
        Assert.Null(await dead.CompleteAsync(redial.Id, CallbackAttemptResult.NoAnswer, now + LeaseLength));
        Assert.False(await dead.RecordConversationAsync(served.Id, now, now + LeaseLength));
    }

    [Fact]
    public async Task RenewLeasesAsync_KeepsALeaseAlive_OnlyForItsOwner()
    {
        var n1 = await Open(lease: Node("n1"));
        var n2 = await Open(lease: Node("n2"));
        var id = (await n1.BookAsync(Booking("long-talk"))).Record.Id;
        await n1.BookAsync(Booking("settled", minute: 1));
        var now = T0.AddMinutes(5);
        var lease = (await n1.LeaseAsync(id, now))!;
        var settled = (await n1.LeaseNextDueAsync("support", now))!;
        await n1.CompleteAsync(settled.Id, CallbackAttemptResult.Connected, now);

        // Renewed every third of the lease, it never lapses, however long the call lasts.
        for (var k = 1; k <= 6; k++)
        {
            var at = now + LeaseLength / 3 * k;
            Assert.Equal(1, await n1.RenewLeasesAsync([lease.Id, settled.Id], at + LeaseLength));
            Assert.Equal(new CallbackRecovery(0, 0), await n2.RecoverExpiredAsync(at + TimeSpan.FromSeconds(1)));
        }
        var renewed = (await n1.GetAsync(id))!;
        Assert.Equal((CallbackState.Dialling, now + LeaseLength * 3), (renewed.State, renewed.LeaseExpiresAt));
        Assert.Equal(0, await n2.RenewLeasesAsync([id], now.AddHours(1)));
        Assert.Equal(0, await n1.RenewLeasesAsync([], now.AddHours(1)));

        // Once the renewals stop, it lapses like any other.
        Assert.Equal(new CallbackRecovery(1, 0), await n2.RecoverExpiredAsync(now + LeaseLength * 3));
        Assert.Equal(CallbackState.Pending, (await n2.GetAsync(id))!.State);
    }

    [Fact]
    public async Task AdoptLeaseAsync_MovesALiveLeaseToTheNewOwner_OnlyFromTheOwnerNamed()
    {
        var n1 = await Open(lease: Node("n1"));
        var n2 = await Open(lease: Node("n2"));
        var id = (await n1.BookAsync(Booking("re-announced"))).Record.Id;
        var now = T0.AddMinutes(5);
        await n1.LeaseAsync(id, now);

        Assert.False(await n2.AdoptLeaseAsync(id, "n3", now + LeaseLength));
        Assert.True(await n2.AdoptLeaseAsync(id, "n1", now + LeaseLength * 2));

        var adopted = (await n2.GetAsync(id))!;
        Assert.Equal((CallbackState.Dialling, "n2", now + LeaseLength * 2), (adopted.State, adopted.LeaseOwner, adopted.LeaseExpiresAt));
        // The new owner's renewals and outcome match the row; the old owner's no longer do.
        Assert.Equal(0, await n1.RenewLeasesAsync([id], now.AddHours(1)));
        Assert.Equal(1, await n2.RenewLeasesAsync([id], now + LeaseLength * 3));
        Assert.Equal(CallbackState.Connected, (await n2.CompleteAsync(id, CallbackAttemptResult.Connected, now + LeaseLength))!.State);
        Assert.False(await n2.AdoptLeaseAsync(id, "n2", now + LeaseLength * 4));
    }

    [Fact]
    public async Task CompleteAsync_NoAnswer_RetriesWithBackoffThenFails()
    {
        var store = await Open(new CallbackRetryPolicy(3, TimeSpan.FromMinutes(2)));
        var id = (await store.BookAsync(Booking("retry"))).Record.Id;
        var now = T0.AddMinutes(2);

        var lease = await store.LeaseNextDueAsync("support", now);
        var first = await store.CompleteAsync(lease!.Id, CallbackAttemptResult.NoAnswer, now);
        Assert.Equal(CallbackState.Pending, first!.State);
        Assert.Equal(now.AddMinutes(2), first.NextAttemptAt);
        Assert.Null(await store.LeaseNextDueAsync("support", now.AddMinutes(1)));

        now = now.AddMinutes(2);
        lease = await store.LeaseNextDueAsync("support", now);
        var second = await store.CompleteAsync(lease!.Id, CallbackAttemptResult.Busy, now);
        Assert.Equal(now.AddMinutes(4), second!.NextAttemptAt);

        now = now.AddMinutes(4);
        lease = await store.LeaseNextDueAsync("support", now);
        Assert.Equal(3, lease!.Attempts);
        var third = await store.CompleteAsync(lease.Id, CallbackAttemptResult.NoAnswer, now);
        Assert.Equal(CallbackState.Failed, third!.State);
        Assert.Equal("NoAnswer", third.LastOutcome);
        Assert.Null(await store.CompleteAsync(id, CallbackAttemptResult.Connected, now));
        Assert.Null(await store.LeaseNextDueAsync("support", now.AddDays(1)));
    }

    [Fact]
    public async Task CompleteAsync_Connected_EndsOnce()
    {
        var store = await Open();
        await store.BookAsync(Booking("ok"));
        var lease = await store.LeaseNextDueAsync("support", T0.AddMinutes(5));

        var done = await store.CompleteAsync(lease!.Id, CallbackAttemptResult.Connected, T0.AddMinutes(6));

        Assert.Equal(CallbackState.Connected, done!.State);
        Assert.Null(await store.CompleteAsync(lease.Id, CallbackAttemptResult.NoAnswer, T0.AddMinutes(7)));
        Assert.False(await store.CancelAsync(lease.Id, T0.AddMinutes(7)));
    }

    [Fact]
    public async Task RecoverAsync_AfterCrashMidDial_PutsDiallingBackToPendingOnce()
    {
        var store = await Open(new CallbackRetryPolicy(2, TimeSpan.FromMinutes(1)));
        await store.BookAsync(Booking("mid-dial"));
        await store.BookAsync(Booking("last-attempt", minute: 1));
        await store.BookAsync(Booking("waiting", minute: 2));
        var now = T0.AddMinutes(5);
        var midDial = await store.LeaseNextDueAsync("support", now);
        var last = await store.LeaseNextDueAsync("support", now);
        await store.CompleteAsync(last!.Id, CallbackAttemptResult.NoAnswer, now);
        last = await store.LeaseNextDueAsync("support", now.AddMinutes(1));
        Assert.Equal("last-attempt", last!.IdempotencyKey);

        // The engine dies here: nothing completes. A new process opens the same file.
        Crash();
        var reopened = await Open(new CallbackRetryPolicy(2, TimeSpan.FromMinutes(1)), now: now.AddMinutes(10));
        Assert.Equal(new CallbackRecovery(2, 0), await reopened.RecoverAsync(now.AddMinutes(10)));
        Assert.Equal(new CallbackRecovery(0, 0), await reopened.RecoverAsync(now.AddMinutes(10)));

        var pending = await reopened.ListPendingAsync("support");
        Assert.Equal(["mid-dial", "waiting"], pending.Select(p => p.IdempotencyKey));
        Assert.Equal("Interrupted", pending[0].LastOutcome);
        Assert.Equal(1, pending[0].Attempts);
        Assert.Equal(CallbackState.Failed, (await reopened.GetAsync(last.Id))!.State);
        var redial = await reopened.LeaseNextDueAsync("support", now.AddMinutes(10));
        Assert.Equal(midDial!.Id, redial!.Id);
        Assert.Equal(2, redial.Attempts);
    }

    [Fact]
    public async Task ReleaseUndialledAsync_LeaseOnTheLastAttempt_GoesBackToPendingWithItsAttempt_AndRecoveryDoesNotFailIt()
    {
        var retry = new CallbackRetryPolicy(2, TimeSpan.FromMinutes(1));
        var store = await Open(retry);
        await store.BookAsync(Booking("last-attempt"));
        var now = T0.AddMinutes(5);
        var first = (await store.LeaseNextDueAsync("support", now))!;
        await store.CompleteAsync(first.Id, CallbackAttemptResult.NoAnswer, now);
        var last = (await store.LeaseNextDueAsync("support", now.AddMinutes(1)))!;
        Assert.Equal(2, last.Attempts);

        // The drain begins before it is dialled: the router gives the lease back.
        var released = await store.ReleaseUndialledAsync(last.Id, now.AddMinutes(1));

        Assert.Equal((CallbackState.Pending, 1, last.NextAttemptAt), (released!.State, released.Attempts, released.NextAttemptAt));
        Assert.Null(await store.ReleaseUndialledAsync(last.Id, now.AddMinutes(1)));
        Crash();
        var restarted = await Open(retry, now: now.AddMinutes(10));
        Assert.Equal(new CallbackRecovery(0, 0), await restarted.RecoverAsync(now.AddMinutes(10)));
        var redial = (await restarted.LeaseNextDueAsync("support", now.AddMinutes(10)))!;
        Assert.Equal((last.Id, 2), (redial.Id, redial.Attempts));
    }

    [Fact]
    public async Task ReleaseUndialledAsync_ACallbackWhoseConversationWasRecorded_StaysDialling()
    {
        var store = await Open();
        await store.BookAsync(Booking("bridged"));
        var now = T0.AddMinutes(5);
        var lease = (await store.LeaseNextDueAsync("support", now))!;
        Assert.True(await store.RecordConversationAsync(lease.Id, now, now));

        Assert.Null(await store.ReleaseUndialledAsync(lease.Id, now));
        Assert.Equal((CallbackState.Dialling, 1), ((await store.GetAsync(lease.Id))!.State, (await store.GetAsync(lease.Id))!.Attempts));
    }

    [Fact]
    public async Task RecoverAsync_ConversationRecordedAsLastingServedAfter_CountsAsServed_AShorterOneIsDialledAgain()
    {
        var clock = new FakeTimeProvider(T0.AddMinutes(5));
        var retry = new CallbackRetryPolicy(3, TimeSpan.FromMinutes(2)) { ServedAfter = TimeSpan.FromSeconds(30) };
        var store = await Open(retry);
        foreach (var key in new[] { "talked-long", "talked-briefly", "bridged-then-silence", "still-ringing" }) await store.BookAsync(Booking(key));
        var leases = new Dictionary<string, CallbackRecord>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            var lease = (await store.LeaseNextDueAsync("support", clock.GetUtcNow()))!;
            leases[lease.IdempotencyKey] = lease;
        }

        // What the router records: the bridge, then (for the one that lasts) that it is still going 30 s later.
        var bridged = clock.GetUtcNow();
        Assert.True(await store.RecordConversationAsync(leases["talked-long"].Id, bridged, bridged));
        Assert.True(await store.RecordConversationAsync(leases["talked-briefly"].Id, bridged, bridged));
        Assert.True(await store.RecordConversationAsync(leases["bridged-then-silence"].Id, bridged, bridged));
        clock.Advance(TimeSpan.FromSeconds(12));
        Assert.True(await store.RecordConversationAsync(leases["talked-briefly"].Id, bridged, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(18));
        Assert.True(await store.RecordConversationAsync(leases["talked-long"].Id, bridged, clock.GetUtcNow()));

        // kill -9, and the engine is down for ten minutes: "bridged-then-silence" is not served because of the downtime.
        clock.Advance(TimeSpan.FromMinutes(10));
        Crash();
        var restarted = await Open(retry, now: clock.GetUtcNow());
        var recovery = await restarted.RecoverAsync(clock.GetUtcNow());

        Assert.Equal(new CallbackRecovery(PutBack: 3, Served: 1), recovery);
        var served = (await restarted.GetAsync(leases["talked-long"].Id))!;
        Assert.Equal(CallbackState.Connected, served.State);
        Assert.Equal("Served: in conversation for at least 30 s when the engine stopped", served.LastOutcome);
        Assert.Equal(1, served.Attempts);
        Assert.Equal(["talked-briefly", "bridged-then-silence", "still-ringing"],
            (await restarted.ListPendingAsync("support")).Select(p => p.IdempotencyKey));
        Assert.Equal(new CallbackRecovery(0, 0), await restarted.RecoverAsync(clock.GetUtcNow()));

        // The next attempt starts with no conversation: a crash in it is judged on its own talk.
        var redial = (await restarted.LeaseAsync(leases["talked-briefly"].Id, clock.GetUtcNow()))!;
        Assert.Null(redial.ConversationStartedAt);
        Assert.Null(redial.ConversationSeenAt);
        Assert.False(await restarted.RecordConversationAsync(served.Id, clock.GetUtcNow(), clock.GetUtcNow()));
    }

    [Fact]
    public async Task CountBookedAsync_CountsOneNumberInRange()
    {
        var store = await Open();
        await store.BookAsync(Booking("a"));
        await store.BookAsync(Booking("b", minute: 30));
        await store.BookAsync(Booking("c") with { Number = "+441234567890" });

        Assert.Equal(2, await store.CountBookedAsync("+33612345678", T0, T0.AddDays(1)));
        Assert.Equal(1, await store.CountBookedAsync("+33612345678", T0, T0.AddMinutes(10)));
    }
}

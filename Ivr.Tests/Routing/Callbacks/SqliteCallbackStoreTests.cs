using Ivr.Engine.Routing.Callbacks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Routing.Callbacks;

public sealed class SqliteCallbackStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private Task<SqliteCallbackStore> Open(CallbackRetryPolicy? retry = null) => SqliteCallbackStore.OpenAsync(_db.Database, T0, retry);

    private static CallbackBooking Booking(string key, int minute = 0, string skill = "support") =>
        new(key, skill, "+33612345678", "+33612345678", T0.AddMinutes(minute), T0.AddMinutes(minute + 1));

    [Fact]
    public async Task OpenAsync_NewFile_CreatesSchemaAndMigrationsInWalMode()
    {
        await Open();
        await Open();

        await using var connection = await _db.Database.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM migrations WHERE id = 'callbacks-001'";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, await command.ExecuteScalarAsync());
        Assert.True(File.Exists(_db.Path_));
    }

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
    public async Task OpenAsync_ADatabaseFromBeforeLanguages_GainsTheColumn_AndItsPendingCallbacksStay()
    {
        // The file as the previous version left it: only the first migration, one callback pending.
        await _db.Database.MigrateAsync(SqliteCallbackStore.Migrations[..1], T0);
        await using (var connection = await _db.Database.OpenAsync())
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO callbacks (idempotency_key, skill, number, caller_number, entered_at, booked_at, state, attempts, next_attempt_at, updated_at)
                VALUES ('old-1', 'support', '+33612345678', NULL, 0, 0, 'Pending', 0, 0, 0)
                """;
            await insert.ExecuteNonQueryAsync();
        }

        var store = await Open();

        var old = Assert.Single(await store.ListPendingAsync());
        Assert.Equal("old-1", old.IdempotencyKey);
        Assert.Null(old.Language);
        Assert.Equal("fr-FR", (await store.BookAsync(Booking("new-1") with { Language = "fr-FR" })).Record.Language);
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
    public async Task LeaseNextDueAsync_TwoDialersInParallel_NeverLeaseTheSameCallback()
    {
        var store = await Open();
        for (var i = 0; i < 40; i++) await store.BookAsync(Booking($"k{i}", minute: i % 7));
        var other = await Open();
        var now = T0.AddHours(1);

        async Task<List<long>> Drain(ICallbackStore s)
        {
            var ids = new List<long>();
            while (await Task.Run(() => s.LeaseNextDueAsync("support", now)) is { } lease) ids.Add(lease.Id);
            return ids;
        }
        var results = await Task.WhenAll(Drain(store), Drain(other));

        var all = results[0].Concat(results[1]).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
        Assert.Empty(await store.ListPendingAsync());
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
        SqliteConnection.ClearAllPools();
        var reopened = await SqliteCallbackStore.OpenAsync(_db.Database, now.AddMinutes(10), new CallbackRetryPolicy(2, TimeSpan.FromMinutes(1)));
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
        SqliteConnection.ClearAllPools();
        var restarted = await SqliteCallbackStore.OpenAsync(_db.Database, now.AddMinutes(10), retry);
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
        SqliteConnection.ClearAllPools();
        var restarted = await SqliteCallbackStore.OpenAsync(_db.Database, clock.GetUtcNow(), retry);
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

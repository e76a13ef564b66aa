using System.Data.Common;
using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Messages;
using Ivr.Engine.Routing.Storage;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Routing.Live;

/// <summary>The router's durable side: callback bookings and their virtual places, the callback dialer's outcomes, messages.</summary>
public sealed partial class SkillRouter
{
    private readonly Dictionary<long, Dialling> _dialling = [];

    // Attempts that ended while their outcome could not be written (database down): retried, and their leases kept alive,
    // until written, so a customer served during an outage is not taken for an interrupted attempt and rung again.
    private readonly Dictionary<long, UnsettledOutcome> _unsettled = [];

    private bool _callbacksStopped;

    private bool _recoveringLeases;

    private const string RenewLeasesTimer = "callback-leases-renew";

    private const string RecoverLeasesTimer = "callback-leases-recover";

    private const string OpenStoresTimer = "routing-stores-open";

    // Failed tries to open the stores in the current streak (0 once open): the first failure is logged, the retries are not.
    private int _openFailures;

    private bool CanDialCallbacks => _callbacks is not null && _settings.Dialer is not null && !_callbacksStopped;

    private void CallbackHandlers()
    {
        Receive<StoresOpened>(OnStoresOpened);
        Receive<StoresNotOpened>(OnStoresNotOpened);
        Receive<RetryOpenStores>(_ =>
        {
            if (_callbacks is null) OpenStores();
        });
        Receive<StoreFailed>(m => LogStoreFailure(m.Cause, "Routing store failed while {During}", m.During));
        Receive<BookCallback>(OnBookCallback);
        Receive<BookDone>(OnBookDone);
        Receive<CallbackLeased>(OnLeased);
        Receive<LeaseRefused>(OnLeaseRefused);
        Receive<PlaceBackLater>(m => Timers.StartSingleTimer(PlaceTimer(CallbackIdOf(m.Place)), new PlaceBack(m.Place, m.Skill), TimeSpan.FromSeconds(5)));
        Receive<PlaceBack>(m => PutPlaceBack(m.Place, m.Skill));
        Receive<CallbackBridged>(OnCallbackBridged);
        Receive<CallbackTalkLasted>(OnTalkLasted);
        Receive<CallbackConversationRecorded>(m =>
        {
            if (!m.Recorded) _log.LogInformation("Callback {Id}'s conversation was not recorded: its attempt had already ended", m.CallbackId);
        });
        Receive<CallbackDialFinished>(OnDialFinished);
        Receive<CallbackStored>(OnCallbackStored);
        Receive<OutcomeStored>(OnOutcomeStored);
        Receive<OutcomeNotStored>(OnOutcomeNotStored);
        Receive<RetryOutcome>(m =>
        {
            if (_unsettled.TryGetValue(m.CallbackId, out var outcome)) SettleOutcome(outcome);
        });
        Receive<CallbackDue>(m =>
        {
            Line(m.Callback.Skill).CallbacksBackingOff--;
            AddCallbackPlace(m.Callback);
            Dispatch(m.Callback.Skill);
        });
        Receive<SaveMessage>(OnSaveMessage);
        Receive<StopDiallingCallbacks>(_ =>
        {
            _callbacksStopped = true;
            _log.LogInformation("Callbacks: no new callback is dialled (draining); pending ones stay booked");
        });
        Receive<RenewLeases>(_ => OnRenewLeases());
        Receive<LeasesRenewed>(m =>
        {
            if (m.Renewed < m.Asked)
                _log.LogWarning("Callbacks: renewed {Renewed} of the {Asked} leases held (the others were settled or recovered by another node)", m.Renewed, m.Asked);
        });
        Receive<RecoverExpiredLeases>(_ => OnRecoverExpiredLeases());
        Receive<ExpiredLeasesRecovered>(OnExpiredLeasesRecovered);
        Receive<MessageStored>(m =>
        {
            if (m.Saved) Line(m.Skill).MessagesRecorded++;
            m.ReplyTo.Tell(new MessageSaved(m.Saved, m.Error));
        });
    }

    private void OpenStores()
    {
        if (_settings.Stores is not { } stores) return;
        LoadAsync(stores, Now).PipeTo(Self, failure: ex => new StoresNotOpened(ex));
    }

    // The database briefly down when this router starts (a survivor taking over a shard during an outage): tried again every
    // 5 s until open, else callbacks and messages would stay unavailable for this incarnation's whole life.
    private void OnStoresNotOpened(StoresNotOpened m)
    {
        if (_openFailures++ == 0)
            LogStoreFailure(m.Cause, "Routing store failed while {During}", "opening the stores and loading pending callbacks (retried every 5 s)");
        Timers.StartSingleTimer(OpenStoresTimer, RetryOpenStores.Instance, TimeSpan.FromSeconds(5));
    }

    private static async Task<StoresOpened> LoadAsync(RoutingStores stores, DateTimeOffset now)
    {
        var callbacks = await stores.CallbacksAsync().ConfigureAwait(false);
        var messages = await stores.MessagesAsync().ConfigureAwait(false);
        var recovered = await callbacks.RecoverAsync(now).ConfigureAwait(false);
        var pending = await callbacks.ListPendingAsync().ConfigureAwait(false);
        return new StoresOpened(callbacks, messages, recovered, pending);
    }

    private void OnStoresOpened(StoresOpened m)
    {
        if (_openFailures > 0) _log.LogInformation("Routing stores opened after {Tries} failed tries", _openFailures);
        _openFailures = 0;
        _callbacks = m.Callbacks;
        _messages = m.Messages;
        _log.LogInformation("Callbacks: {Pending} pending ({Recovered} interrupted by a restart and put back, {Served} served before it)",
            m.Pending.Count, m.Recovered.PutBack, m.Recovered.Served);
        var now = Now;
        foreach (var callback in m.Pending)
        {
            if (callback.NextAttemptAt > now) ScheduleRetry(callback, now);
            else AddCallbackPlace(callback);
        }
        foreach (var skill in m.Pending.Select(c => c.Skill).Distinct(StringComparer.Ordinal)) Dispatch(skill);
        // Leases: the ones this node holds are renewed well before they lapse; other nodes' lapsed ones are taken over.
        var lease = _settings.Stores!.Lease;
        Timers.StartPeriodicTimer(RenewLeasesTimer, RenewLeases.Instance, lease.RenewEvery);
        Timers.StartPeriodicTimer(RecoverLeasesTimer, RecoverExpiredLeases.Instance, lease.RecoverEvery);
    }

    // A database that is down or unreachable is an outage, not a bug: one line each time, without the stack.
    private void LogStoreFailure(Exception ex, string message, object? arg)
    {
        if (ex is DbException or StorageUnavailableException or TimeoutException)
            _log.LogError(message + ": {Error}", arg, ex.Message);
        else
            _log.LogError(ex, message, arg);
    }

    private void OnRenewLeases()
    {
        if (_callbacks is not { } store || _dialling.Count + _unsettled.Count == 0) return;
        var ids = _dialling.Keys.Concat(_unsettled.Keys).Distinct().ToList();
        store.RenewLeasesAsync(ids, Now + _settings.Stores!.Lease.Length).PipeTo(Self,
            success: renewed => new LeasesRenewed(ids.Count, renewed),
            failure: ex => new StoreFailed($"renewing {ids.Count} callback lease(s)", ex));
    }

    private void OnRecoverExpiredLeases()
    {
        if (_callbacks is not { } store || _recoveringLeases) return;
        _recoveringLeases = true;
        RecoverExpiredAsync(store, Now).PipeTo(Self, failure: ex => new ExpiredLeasesRecovered(new CallbackRecovery(0, 0), [], ex));
    }

    private static async Task<ExpiredLeasesRecovered> RecoverExpiredAsync(ICallbackStore store, DateTimeOffset now)
    {
        var recovered = await store.RecoverExpiredAsync(now).ConfigureAwait(false);
        var pending = recovered.PutBack > 0 ? await store.ListPendingAsync().ConfigureAwait(false) : [];
        return new ExpiredLeasesRecovered(recovered, pending, null);
    }

    private void OnExpiredLeasesRecovered(ExpiredLeasesRecovered m)
    {
        _recoveringLeases = false;
        if (m.Error is not null)
        {
            LogStoreFailure(m.Error, "Routing store failed while {During}", "recovering expired callback leases");
            return;
        }
        if (m.Recovered is { PutBack: 0, Served: 0 }) return;
        _log.LogWarning("Callbacks: {PutBack} expired lease(s) of another node put back to be dialled again, {Served} counted as served",
            m.Recovered.PutBack, m.Recovered.Served);
        // Put back due at once: they take their original places (retries not yet due keep their own timers).
        var now = Now;
        var due = m.Pending.Where(c => c.NextAttemptAt <= now).ToList();
        foreach (var callback in due) AddCallbackPlace(callback);
        foreach (var skill in due.Select(c => c.Skill).Distinct(StringComparer.Ordinal)) Dispatch(skill);
    }

    private void OnBookCallback(BookCallback m)
    {
        if (_callbacks is not { } store)
        {
            Sender.Tell(new CallbackBookingResult(false, null, "Sorry, we cannot book callbacks right now.", null));
            return;
        }
        var replyTo = Sender;
        var plan = _dialPlan;
        var now = Now;
        BookAsync(store, plan, m, now).PipeTo(Self,
            success: result => new BookDone(m.Skill, result.Check, result.Booked, replyTo),
            failure: ex =>
            {
                LogStoreFailure(ex, "Booking a callback for call {CallId} failed", m.CallId);
                return new BookDone(m.Skill, DialPlanResult.Refuse(m.Number, DialPlanRefusal.None), null, replyTo, StoreFailed: true);
            });
    }

    private static async Task<(DialPlanResult Check, CallbackBookResult? Booked)> BookAsync(
        ICallbackStore store, CallbackDialPlan plan, BookCallback m, DateTimeOffset now)
    {
        var check = await plan.CheckAsync(m.Number, now, store).ConfigureAwait(false);
        if (!check.Allowed) return (check, null);
        var booking = new CallbackBooking("call:" + m.CallId + ":" + m.Skill, m.Skill, check.Number!, m.CallerNumber, m.EnteredQueueAt, now, m.Language);
        return (check, await store.BookAsync(booking).ConfigureAwait(false));
    }

    private void OnBookDone(BookDone m)
    {
        if (m.Booked is not { } booked)
        {
            if (m.StoreFailed)
            {
                // The number is fine; the booking could not be kept: the caller is told so, not that the number was refused.
                m.ReplyTo.Tell(new CallbackBookingResult(false, m.Check.Number, "The callback could not be stored.", null, StoreFailed: true));
                return;
            }
            _log.LogInformation("Callback to {Number} refused: {Reason}", m.Check.Number, m.Check.Reason);
            m.ReplyTo.Tell(new CallbackBookingResult(false, m.Check.Number, m.Check.Message, null, m.Check.Reason));
            return;
        }
        var record = booked.Record;
        _log.LogInformation("Callback {Id} to {Number} for {Skill} stored (entered the line at {Entered:o})",
            record.Id, record.Number, record.Skill, record.EnteredQueueAt);
        // The reply goes once the row is durable: the caller's confirmation prompt follows it.
        m.ReplyTo.Tell(new CallbackBookingResult(true, record.Number, m.Check.Message, record.Id));
        if (booked.Created && record.State == CallbackState.Pending)
        {
            AddCallbackPlace(record);
            Dispatch(record.Skill);
        }
    }

    private void AddCallbackPlace(CallbackRecord callback)
    {
        var queue = _selector.Queue(callback.Skill);
        Line(callback.Skill);
        var id = CallbackPrefix + callback.Id.ToString(CultureInfo.InvariantCulture);
        if (queue.Contains(id) || _dialling.ContainsKey(callback.Id)) return;
        queue.Enqueue(new QueuedCaller(id, LinePriority(5), callback.EnteredQueueAt, IsCallback: true));
    }

    private void StartCallback(QueuedCaller place, string skill, string agentId)
    {
        var id = CallbackIdOf(place);
        _dialling[id] = new Dialling(agentId, skill);
        _log.LogInformation("Callback {Id} reaches the head of {Skill}: agent {Agent} reserved", id, skill, agentId);
        _callbacks!.LeaseAsync(id, Now).PipeTo(Self,
            success: record => new CallbackLeased(id, place, record),
            failure: ex => new CallbackLeased(id, place, null, ex));
    }

    private void OnLeased(CallbackLeased m)
    {
        if (!_dialling.TryGetValue(m.Id, out var dialling)) return;
        if (m.Callback is not { } callback)
        {
            // Not leased: the agent goes back to work. The place was taken off the line when the agent was reserved, so it is
            // put back unless the row really left Pending (cancelled, settled, another dialer): after a back-off when the
            // store failed; at once, or when due, when the store says it is still Pending.
            _dialling.Remove(m.Id);
            ReleaseAgent(dialling.AgentId, AgentState.Ready);
            if (m.Error is not null)
            {
                LogStoreFailure(m.Error, "Routing store failed while {During}", $"leasing callback {m.Id} (its place is put back in 5 s)");
                Timers.StartSingleTimer(PlaceTimer(m.Id), new PlaceBack(m.Place, dialling.Skill), TimeSpan.FromSeconds(5));
                return;
            }
            _callbacks!.GetAsync(m.Id).PipeTo(Self,
                success: record => new LeaseRefused(m.Place, dialling.Skill, record),
                failure: ex =>
                {
                    LogStoreFailure(ex, "Routing store failed while {During}", $"checking callback {m.Id} (its place is put back in 5 s)");
                    return new PlaceBackLater(m.Place, dialling.Skill);
                });
            return;
        }
        if (_callbacksStopped)
        {
            // Leased just before the drain began: not dialled, so the lease and the attempt it counted are given back (else
            // a callback on its last attempt would be marked Failed by the next start's recovery without ever ringing).
            _log.LogInformation("Callback {Id} not dialled: draining; put back to pending", m.Id);
            _dialling.Remove(m.Id);
            ReleaseAgent(dialling.AgentId, AgentState.Ready);
            _callbacks!.ReleaseUndialledAsync(m.Id, Now).PipeTo(Self,
                success: record => new CallbackStored(dialling.Skill, null),
                failure: ex => new StoreFailed($"putting undialled callback {m.Id} back", ex));
            return;
        }
        Line(dialling.Skill).CallbacksDialled++;
        _pool.SetState(dialling.AgentId, AgentState.Ringing, Now);
        _settings.Dialer!.Tell(new DialCallback(callback, dialling.AgentId, ContactOf(dialling.AgentId),
            TimeSpan.FromSeconds(_config.RingTimeoutSeconds)));
    }

    private void OnLeaseRefused(LeaseRefused m)
    {
        if (m.Callback is not { State: CallbackState.Pending } callback)
        {
            _log.LogInformation("Callback {Id} is no longer pending; not dialled", CallbackIdOf(m.Place));
            return;
        }
        if (callback.NextAttemptAt > Now)
        {
            ScheduleRetry(callback, Now);
            return;
        }
        PutPlaceBack(m.Place, m.Skill);
    }

    // The place as it was (its original entry time), unless already back or being dialled.
    private void PutPlaceBack(QueuedCaller place, string skill)
    {
        var queue = _selector.Queue(skill);
        if (queue.Contains(place.Id) || _dialling.ContainsKey(CallbackIdOf(place))) return;
        _log.LogInformation("Callback {Id} put back in {Skill}'s line", CallbackIdOf(place), skill);
        queue.Enqueue(place);
        Dispatch(skill);
    }

    private static long CallbackIdOf(QueuedCaller place) => long.Parse(place.Id.AsSpan(CallbackPrefix.Length), CultureInfo.InvariantCulture);

    private static string PlaceTimer(long id) => "callback-place-" + id.ToString(CultureInfo.InvariantCulture);

    private void OnCallbackBridged(CallbackBridged m)
    {
        if (!_dialling.TryGetValue(m.CallbackId, out var dialling)) return;
        if (_agents.ContainsKey(m.AgentId)) _pool.SetState(m.AgentId, AgentState.Talking, Now);
        var now = Now;
        _callbackTalks[m.CallbackId] = new Talk(m.AgentId, dialling.Skill, now);
        // Durably: the bridge, then (if it lasts) that the customer was served, so a crash mid-talk does not ring them again.
        RecordConversation(m.CallbackId, now, now);
        Timers.StartSingleTimer(TalkTimer(m.CallbackId), new CallbackTalkLasted(m.CallbackId), _settings.Stores?.Retry.ServedAfter ?? CallbackRetryPolicy.Default.ServedAfter);
    }

    private void OnTalkLasted(CallbackTalkLasted m)
    {
        if (!_callbackTalks.TryGetValue(m.CallbackId, out var talk)) return;
        // The timer firing is the proof that the talk lasted ServedAfter: the wall clock, read a few ms early or stepped,
        // must not record it as a hair shorter (recovery would then ring a served customer again).
        var lasted = talk.StartedAt + (_settings.Stores?.Retry.ServedAfter ?? CallbackRetryPolicy.Default.ServedAfter);
        var now = Now;
        RecordConversation(m.CallbackId, talk.StartedAt, now > lasted ? now : lasted);
    }

    private void RecordConversation(long id, DateTimeOffset startedAt, DateTimeOffset now) =>
        _callbacks?.RecordConversationAsync(id, startedAt, now).PipeTo(Self,
            success: recorded => new CallbackConversationRecorded(id, recorded),
            failure: ex => new StoreFailed($"recording callback {id}'s conversation", ex));

    private static string TalkTimer(long id) => "callback-talk-" + id.ToString(CultureInfo.InvariantCulture);

    private void OnDialFinished(CallbackDialFinished m)
    {
        if (!_dialling.Remove(m.CallbackId, out var dialling)) return;
        if (_attempts.Remove(m.CallbackId, out var attempt)) Context.Unwatch(attempt);
        Timers.Cancel(TalkTimer(m.CallbackId));
        if (_callbackTalks.Remove(m.CallbackId, out var talk)) FinishTalk(talk);
        else ReleaseAgent(m.AgentId, m.AgentMissed ? AgentState.Away : AgentState.Ready);
        _log.LogInformation("Callback {Id} attempt ended: {Result}", m.CallbackId, m.Result);
        SettleOutcome(new UnsettledOutcome(m.CallbackId, m.Result, dialling.Skill, Now, 0));
    }

    private void SettleOutcome(UnsettledOutcome outcome) =>
        _callbacks!.CompleteAsync(outcome.CallbackId, outcome.Result, outcome.EndedAt).PipeTo(Self,
            success: record => new OutcomeStored(outcome, record),
            failure: ex => new OutcomeNotStored(outcome, ex));

    private void OnOutcomeNotStored(OutcomeNotStored m)
    {
        var outcome = m.Outcome with { Tries = m.Outcome.Tries + 1 };
        if (outcome.Tries == 1)
            LogStoreFailure(m.Cause, "Routing store failed while {During}", $"recording callback {outcome.CallbackId}'s outcome (retried every 5 s, its lease kept)");
        _unsettled[outcome.CallbackId] = outcome;
        Timers.StartSingleTimer(OutcomeTimer(outcome.CallbackId), new RetryOutcome(outcome.CallbackId), TimeSpan.FromSeconds(5));
    }

    private void OnOutcomeStored(OutcomeStored m)
    {
        if (_unsettled.Remove(m.Outcome.CallbackId))
            _log.LogInformation("Callback {Id}'s outcome {Result} recorded after {Tries} failed tries", m.Outcome.CallbackId, m.Outcome.Result, m.Outcome.Tries);
        OnCallbackStored(new CallbackStored(m.Outcome.Skill, m.Callback));
    }

    private static string OutcomeTimer(long id) => "callback-outcome-" + id.ToString(CultureInfo.InvariantCulture);

    private void OnCallbackStored(CallbackStored m)
    {
        if (m.Callback is not { } callback) return;
        switch (callback.State)
        {
            case CallbackState.Pending:
                ScheduleRetry(callback, Now);
                break;
            case CallbackState.Failed:
                Line(m.Skill).CallbacksFailed++;
                _log.LogWarning("Callback {Id} to {Number} failed after {Attempts} attempts ({Outcome})",
                    callback.Id, callback.Number, callback.Attempts, callback.LastOutcome);
                break;
        }
    }

    private void ScheduleRetry(CallbackRecord callback, DateTimeOffset now)
    {
        Line(callback.Skill).CallbacksBackingOff++;
        var delay = callback.NextAttemptAt - now;
        _log.LogInformation("Callback {Id}: next attempt in {Delay}", callback.Id, delay);
        Timers.StartSingleTimer("callback-" + callback.Id.ToString(CultureInfo.InvariantCulture), new CallbackDue(callback),
            delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void OnSaveMessage(SaveMessage m)
    {
        if (_messages is not { } store)
        {
            Sender.Tell(new MessageSaved(false, "The message store is not available."));
            return;
        }
        var replyTo = Sender;
        var skill = m.Message.Skill;
        store.SaveAsync(m.Message).PipeTo(Self,
            success: _ => new MessageStored(skill, true, null, replyTo),
            failure: ex =>
            {
                LogStoreFailure(ex, "Saving message {Id} failed", m.Message.Id);
                return new MessageStored(skill, false, ex.Message, replyTo);
            });
    }

    private sealed record Dialling(string AgentId, string Skill);

    private sealed record RenewLeases
    {
        public static RenewLeases Instance { get; } = new();
    }

    private sealed record RecoverExpiredLeases
    {
        public static RecoverExpiredLeases Instance { get; } = new();
    }

    private sealed record LeasesRenewed(int Asked, int Renewed);

    private sealed record UnsettledOutcome(long CallbackId, CallbackAttemptResult Result, string Skill, DateTimeOffset EndedAt, int Tries);

    private sealed record OutcomeStored(UnsettledOutcome Outcome, CallbackRecord? Callback);

    private sealed record OutcomeNotStored(UnsettledOutcome Outcome, Exception Cause);

    private sealed record RetryOutcome(long CallbackId);

    private sealed record ExpiredLeasesRecovered(CallbackRecovery Recovered, IReadOnlyList<CallbackRecord> Pending, Exception? Error);

    private sealed record StoresOpened(ICallbackStore Callbacks, IMessageStore Messages, CallbackRecovery Recovered, IReadOnlyList<CallbackRecord> Pending);

    private sealed record CallbackTalkLasted(long CallbackId);

    private sealed record CallbackConversationRecorded(long CallbackId, bool Recorded);

    private sealed record StoreFailed(string During, Exception Cause);

    private sealed record StoresNotOpened(Exception Cause);

    private sealed record RetryOpenStores
    {
        public static RetryOpenStores Instance { get; } = new();
    }

    private sealed record BookDone(string Skill, DialPlanResult Check, CallbackBookResult? Booked, IActorRef ReplyTo, bool StoreFailed = false);

    private sealed record CallbackLeased(long Id, QueuedCaller Place, CallbackRecord? Callback, Exception? Error = null);

    private sealed record LeaseRefused(QueuedCaller Place, string Skill, CallbackRecord? Callback);

    private sealed record PlaceBackLater(QueuedCaller Place, string Skill);

    private sealed record PlaceBack(QueuedCaller Place, string Skill);

    private sealed record CallbackStored(string Skill, CallbackRecord? Callback);

    private sealed record CallbackDue(CallbackRecord Callback);

    private sealed record MessageStored(string Skill, bool Saved, string? Error, IActorRef ReplyTo);
}

using Akka.Actor;

namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The router pushes each waiting caller its place (<see cref="CallerQueued"/>) when it changes: position, expected wait
/// (as the announcement range it falls in), staffing, skill, or an offer the policy now makes. Changes are computed once
/// after each handled message, and again on one periodic evaluation for the whole router (waits past the target,
/// re-offers, estimates that move with time).
/// </summary>
/// <remarks>
/// Cost is bounded for long lines: messages walk a line at most once per <see cref="SkillRouterSettings.PlaceUpdateMinInterval"/>
/// (in between, only a new head of the line is told at once), and a caller hears at most one update per that interval
/// unless it reached the head or is made an offer. Updates held back go out on one flush timer, itself at most once per
/// interval, so an update is at most about two intervals late.
/// </remarks>
public sealed partial class SkillRouter
{
    private const string PlacesTimer = "places";
    private const string PlacesFlushTimer = "places-flush";
    private static readonly OfferDecision NoOffer = new(false, OfferReason.None);
    private DateTimeOffset? _flushAt;
    private DateTimeOffset? _flushedAt;
    private bool _changedNothing;

    private void PlaceHandlers()
    {
        Receive<PlacesDue>(_ =>
        {
            _changedNothing = true;
            EvaluatePlaces(Walk.Periodic);
        });
        Receive<PlacesFlushDue>(_ =>
        {
            _changedNothing = true;
            _flushAt = null;
            _flushedAt = Now;
            EvaluatePlaces(Walk.Flush);
        });
    }

    private void StartPlaceTimer() => Timers.StartPeriodicTimer(PlacesTimer, PlacesDue.Instance, _settings.PlaceEvaluationInterval);

    /// <summary>After a message that may have changed lines, agents or meters: every line is due a look.</summary>
    private void AfterMessage()
    {
        // Queries and the router's own place timers (which reach AroundReceive wrapped) set the flag: they change nothing.
        if (_changedNothing)
        {
            _changedNothing = false;
            return;
        }
        foreach (var line in _lines.Values) line.PlacesStale = true;
        EvaluatePlaces(Walk.AfterMessage);
    }

    /// <summary>
    /// Walks the lines: the periodic evaluation walks every line with callers; a flush the lines holding back updates;
    /// after a message the lines it may have changed, each at most once per interval (in between only its head is checked
    /// and the rest waits for the flush).
    /// </summary>
    private void EvaluatePlaces(Walk walk)
    {
        var now = Now;
        var min = _settings.PlaceUpdateMinInterval;
        DateTimeOffset? due = null;
        foreach (var line in _lines.Values)
        {
            var queue = _selector.Queue(line.Skill);
            if (queue.Count == 0)
            {
                line.PlacesStale = false;
                continue;
            }
            if (walk != Walk.Periodic && !line.PlacesStale) continue;
            if (walk == Walk.AfterMessage)
            {
                if (line.PlacesWalkedAt is { } walked && now - walked < min)
                {
                    TellNewHead(line, now);
                    due = Earliest(due, walked + min);
                    continue;
                }
                line.PlacesWalkedAt = now;
            }
            var heldBack = WalkLine(line, now);
            line.PlacesStale = heldBack is not null;
            due = Earliest(due, heldBack);
        }
        if (due is { } at) ScheduleFlush(at, now);
    }

    /// <summary>Evaluates every live caller of <paramref name="line"/>; returns when the first held-back update may go, if any.</summary>
    private DateTimeOffset? WalkLine(SkillLine line, DateTimeOffset now)
    {
        var figures = Figures(line, now);
        DateTimeOffset? heldBack = null;
        var position = 0;
        foreach (var place in _selector.Queue(line.Skill).InOrder())
        {
            position++;
            if (place.IsCallback || !_waiters.TryGetValue(place.Id, out var waiter)) continue;
            heldBack = Earliest(heldBack, Update(waiter, line, figures, position, now));
        }
        return heldBack;
    }

    /// <summary>A caller who just reached the head hears it at once, whatever the line's walk interval.</summary>
    private void TellNewHead(SkillLine line, DateTimeOffset now)
    {
        if (!_selector.Queue(line.Skill).TryPeek(out var head) || head.IsCallback) return;
        if (!_waiters.TryGetValue(head.Id, out var waiter) || waiter.LastTold is { Position: 1 } told && told.Skill == line.Skill) return;
        Update(waiter, line, Figures(line, now), 1, now);
    }

    /// <summary>
    /// Pushes <paramref name="waiter"/>'s place if it changed or an offer is due; returns when a held-back update may go
    /// (null when told or unchanged).
    /// </summary>
    private DateTimeOffset? Update(Waiter waiter, SkillLine line, in LineFigures figures, int position, DateTimeOffset now)
    {
        var ewt = figures.Staffed == 0 ? (TimeSpan?)null : line.Estimator.EstimateAll(figures.Wait with { CallersAhead = position - 1 }).Best;
        var policy = waiter.Policy ?? line.Policy;
        var decision = NoOffer;
        if (policy is not null)
        {
            line.AbandonTriggerOn = policy.AbandonTriggerHolds(figures.Offer.AbandonmentRate, line.AbandonTriggerOn);
            // Nobody staffed: the wait has no bound, which is the strongest reason to offer.
            var context = figures.Offer with { ExpectedWait = ewt ?? QueueLengthEstimator.Cap, AbandonTriggerOn = line.AbandonTriggerOn };
            decision = policy.EvaluateWaiting(context, now - waiter.Place.EnteredAt, waiter.LastOfferAt is { } offered ? now - offered : null);
        }
        var told = new ToldPlace(line.Skill, position, AnnouncedBucket(ewt), figures.Staffed);
        if (!decision.Offer && told == waiter.LastTold) return null;
        var reachedHead = position == 1 && waiter.LastTold?.Position != 1;
        if (!decision.Offer && !reachedHead && waiter.LastToldAt is { } last && now - last < _settings.PlaceUpdateMinInterval)
            return last + _settings.PlaceUpdateMinInterval;
        Tell(waiter, new CallerQueued(line.Skill, position, ewt, figures.Staffed, decision), now);
        return null;
    }

    /// <summary>Sends the caller its place and remembers what it was told, and when it was last made an offer.</summary>
    private void Tell(Waiter waiter, CallerQueued place, DateTimeOffset now)
    {
        waiter.Caller.Tell(place);
        Remember(waiter, place, now);
    }

    private static void Remember(Waiter waiter, CallerQueued place, DateTimeOffset now)
    {
        waiter.LastTold = new ToldPlace(place.Skill, place.Position, AnnouncedBucket(place.ExpectedWait), place.StaffedAgents);
        waiter.LastToldAt = now;
        if (place.Offer.Offer) waiter.LastOfferAt = now;
    }

    /// <summary>The announcement range an estimate falls in (what a caller can hear change), −1 when nobody staffs the skill.</summary>
    private static int AnnouncedBucket(TimeSpan? ewt) => ewt is { } e ? AnnouncedWait.From(e).Bucket : -1;

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>One flush timer for the router, firing at most once per interval however many callers wait for it.</summary>
    private void ScheduleFlush(DateTimeOffset at, DateTimeOffset now)
    {
        if (_flushedAt is { } flushed && at < flushed + _settings.PlaceUpdateMinInterval) at = flushed + _settings.PlaceUpdateMinInterval;
        if (_flushAt is { } scheduled && scheduled <= at) return;
        _flushAt = at;
        var delay = at - now;
        Timers.StartSingleTimer(PlacesFlushTimer, PlacesFlushDue.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    /// <summary>The figures every caller of a line shares, computed once per walk.</summary>
    private LineFigures Figures(SkillLine line, DateTimeOffset now)
    {
        var queue = _selector.Queue(line.Skill);
        var snapshot = line.Meter.Snapshot(now);
        var staffed = _pool.StaffedCount(line.Skill);
        var wait = new WaitContext(
            CallersAhead: 0,
            Agents: staffed,
            ServiceRate: snapshot.ServiceRate ?? 1 / _settings.PriorHandleTime.TotalMinutes,
            PatienceRate: snapshot.PatienceRate ?? 0,
            AgentFree: _pool.AvailableCount(line.Skill) > 0,
            HeadOfLineWait: queue.TryPeek(out var head) ? now - head.EnteredAt : null,
            LastEnteredServiceWait: line.LastAnsweredWait);
        var offer = new OfferContext(QueueLengthEstimator.Cap, snapshot.AbandonmentRate, queue.Count, snapshot.PatienceRate);
        return new LineFigures(staffed, wait, offer);
    }

    /// <summary>What a caller was last told: an update goes only when one of these changes (or an offer is due).</summary>
    private sealed record ToldPlace(string Skill, int Position, int WaitBucket, int StaffedAgents);

    private enum Walk
    {
        AfterMessage,
        Flush,
        Periodic,
    }

    private readonly record struct LineFigures(int Staffed, WaitContext Wait, OfferContext Offer);

    private sealed record PlacesDue
    {
        public static PlacesDue Instance { get; } = new();
    }

    private sealed record PlacesFlushDue
    {
        public static PlacesFlushDue Instance { get; } = new();
    }
}

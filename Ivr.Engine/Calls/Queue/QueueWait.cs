using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Live;
using Ivr.Flows.Runtime;
using FlowOfferPolicy = Ivr.Flows.Model.Steps.OfferPolicy;

namespace Ivr.Engine.Calls.Queue;

/// <summary>
/// A caller's wait in a skill's line, as immutable state: where the router last placed them, what they were last told,
/// and whether an offer (callback / message / keep waiting) is open. Each method returns the next state and what the call
/// should do; the call actor only plays it and tells the router. Time comes in as arguments, so it is tested with any clock.
/// </summary>
/// <remarks>
/// Announcements give the position and the expected wait as a range that never goes up once announced unless the queue
/// truly changed (fewer agents staffed, or a move to another skill). An offer is made when the router's decision says so
/// and no offer or announcement is already playing; a key (or a spoken answer) chooses, and only an open offer can be
/// declined with the "stay" key.
/// </remarks>
public sealed record QueueWait
{
    /// <summary>The queue step being executed.</summary>
    public required EnqueueEffect Effect { get; init; }

    /// <summary>The skill the caller waits for now (the step's, or the overflow's).</summary>
    public required string Skill { get; init; }

    /// <summary>When the caller joined the line (kept across overflow and callbacks).</summary>
    public required DateTimeOffset EnteredAt { get; init; }

    /// <summary>The router's latest word on the caller's place, if any yet.</summary>
    public CallerQueued? Place { get; init; }

    /// <summary>When the position or wait was last announced.</summary>
    public DateTimeOffset? LastAnnouncedAt { get; init; }

    /// <summary>When an offer was last made.</summary>
    public DateTimeOffset? LastOfferAt { get; init; }

    /// <summary>True while an offer plays or waits for its key.</summary>
    public bool Offering { get; init; }

    /// <summary>True when the router made an offer while something of the queue's played: it opens when that ends.</summary>
    public bool OfferPending { get; init; }

    /// <summary>The last wait range announced (the cap), if any.</summary>
    public AnnouncedWait? LastWait { get; init; }

    /// <summary>Agents staffed when <see cref="LastWait"/> was announced.</summary>
    public int StaffedAtLastWait { get; init; }

    /// <summary>How often the place is announced again; null: once, at the start.</summary>
    public TimeSpan? AnnounceEvery => Effect.Announce is { Every: > 0 } a ? TimeSpan.FromSeconds(a.Every) : null;

    /// <summary>The queue step's own offer triggers for the router, or null to use the skill's from <c>agents.json</c>.</summary>
    public static OfferPolicyOptions? RouterOffer(FlowOfferPolicy? offer)
    {
        if (offer is null || (offer.WhenWaitOver, offer.WhenAbandonRateOver, offer.WhenQueueLongerThan, offer.WhenLikelyToAbandon) is (null, null, null, null))
            return null;
        return new OfferPolicyOptions
        {
            WaitTarget = offer.WhenWaitOver is { } w ? TimeSpan.FromSeconds(w) : null,
            AbandonRateThreshold = offer.WhenAbandonRateOver,
            AbandonRateReleaseBelow = offer.WhenAbandonRateOver * 0.5,
            QueueLengthLimit = offer.WhenQueueLongerThan,
            LikelyToAbandonThreshold = offer.WhenLikelyToAbandon,
            ReofferEvery = offer.ReofferEvery is { } r ? TimeSpan.FromSeconds(r) : null,
        };
    }

    /// <summary>A caller joining the line for <paramref name="effect"/> at <paramref name="now"/>.</summary>
    public static QueueWait Enter(EnqueueEffect effect, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(effect);
        return new QueueWait { Effect = effect, Skill = effect.Skill, EnteredAt = now };
    }

    /// <summary>Moved to <paramref name="skill"/> (overflow): the wait announced before no longer caps the next.</summary>
    public QueueWait MovedTo(string skill) => this with { Skill = skill, LastWait = null };

    /// <summary>
    /// The router placed the caller (<paramref name="place"/>). While something of the queue's already plays
    /// (<paramref name="busy"/>) or an offer is open, only the place is kept; otherwise an offer when the router says so and the
    /// step offers anything, else an announcement when one is due.
    /// </summary>
    public (QueueWait Next, QueueAnnouncement? Say) Placed(CallerQueued place, DateTimeOffset now, bool busy)
    {
        ArgumentNullException.ThrowIfNull(place);
        var offers = place.Offer.Offer && Effect.Offer is { } o && (o.Callback || o.Message);
        var next = this with { Place = place };
        // The router counts an offer as made when it sends it: one that cannot be played now is kept for later, not lost.
        if (busy || Offering) return (offers && !Offering ? next with { OfferPending = true } : next, null);
        return offers ? next.OpenOffer(now) : next.AnnounceIfDue(now);
    }

    /// <summary>What played for the queue ended: an offer the router made meanwhile opens now (else nothing to say).</summary>
    public (QueueWait Next, QueueAnnouncement? Say) Resumed(DateTimeOffset now) =>
        OfferPending && !Offering ? OpenOffer(now) : (this, null);

    private (QueueWait Next, QueueAnnouncement? Say) OpenOffer(DateTimeOffset now)
    {
        var next = this with { Offering = true, OfferPending = false, LastOfferAt = now };
        return (next, new QueueAnnouncement(Place?.Position, null, Effect.Offer, Place?.Offer.Reason.ToString()));
    }

    /// <summary>
    /// The announcement due at <paramref name="now"/> from the latest place, if any: the first, then every
    /// <see cref="AnnounceEvery"/>; <paramref name="force"/> (the call's own cadence timer) skips the interval check.
    /// </summary>
    public (QueueWait Next, QueueAnnouncement? Say) AnnounceIfDue(DateTimeOffset now, bool force = false)
    {
        if (Place is not { } place || Offering || Effect.Announce is not { } announce) return (this, null);
        if (!force && LastAnnouncedAt is { } last && (AnnounceEvery is not { } every || now - last < every)) return (this, null);
        if (force && AnnounceEvery is null && LastAnnouncedAt is not null) return (this, null);
        var next = this with { LastAnnouncedAt = now };
        AnnouncedWait? wait = null;
        if (announce.ExpectedWait && place.ExpectedWait is { } estimate)
        {
            wait = AnnouncedWait.From(estimate);
            var staffingFell = LastWait is not null && place.StaffedAgents < StaffedAtLastWait;
            if (LastWait is { } cap && !staffingFell && wait.Bucket > cap.Bucket) wait = cap;
            next = next with { LastWait = wait, StaffedAtLastWait = place.StaffedAgents };
        }
        int? position = announce.Position ? place.Position : null;
        if (position is null && wait is null) return (next, null);
        return (next, new QueueAnnouncement(position, wait, null, null));
    }

    /// <summary>
    /// The caller pressed <paramref name="digit"/>: the choice it makes (keys count only once an offer was made; "stay"
    /// only while it is open) and the next state.
    /// </summary>
    public (QueueWait Next, QueueChoice Choice) Key(char digit)
    {
        if (Effect.Offer is not { } offer || LastOfferAt is null) return (this, QueueChoice.None);
        var key = digit.ToString();
        if (offer.Callback && key == offer.CallbackKey) return (this with { Offering = false }, QueueChoice.Callback);
        if (offer.Message && key == offer.MessageKey) return (this with { Offering = false }, QueueChoice.Message);
        if (key == offer.StayKey && Offering) return (this with { Offering = false }, QueueChoice.Stay);
        return (this, QueueChoice.None);
    }

    /// <summary>The offer's time to answer ran out: the caller keeps waiting.</summary>
    public QueueWait OfferClosed() => this with { Offering = false };

    /// <summary>
    /// The caller answered the offer by speech (<paramref name="heard"/>, null when not understood, in
    /// <paramref name="language"/>): the choice, where not understood keeps them waiting as "stay" would.
    /// </summary>
    public (QueueWait Next, QueueChoice Choice) Answered(string? heard, string language)
    {
        if (Effect.Offer is not { } offer) return (this, QueueChoice.None);
        var key = heard is null ? null : OfferAnswers.KeyFor(offer, heard, language);
        if (key is { } k) return Key(k);
        return Offering ? Key(offer.StayKey[0]) : (this, QueueChoice.None);
    }
}

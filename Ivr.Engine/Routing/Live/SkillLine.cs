namespace Ivr.Engine.Routing.Live;

/// <summary>One skill's measurement and policy state inside the router: its wait meter, estimators, default offer policy and counters.</summary>
internal sealed class SkillLine(string skill, TimeSpan window, TimeSpan serviceLevel, OfferPolicy? policy)
{
    public string Skill { get; } = skill;

    public WaitMeter Meter { get; private set; } = new(window, serviceLevel);

    public BestEstimator Estimator { get; } = new();

    /// <summary>The skill's offer policy from <c>agents.json</c>; a queue step's own offer replaces it for its callers.</summary>
    public OfferPolicy? Policy { get; set; } = policy;

    public bool AbandonTriggerOn { get; set; }

    public TimeSpan? LastAnsweredWait { get; set; }

    public long CallbacksDialled { get; set; }

    public long CallbacksFailed { get; set; }

    public long MessagesRecorded { get; set; }

    /// <summary>Callbacks out of the line while their back-off runs.</summary>
    public int CallbacksBackingOff { get; set; }

    /// <summary>Something changed since its callers were last told their places (or an update was held back).</summary>
    public bool PlacesStale { get; set; }

    /// <summary>When a message last made the router evaluate every caller's place in this line.</summary>
    public DateTimeOffset? PlacesWalkedAt { get; set; }

    /// <summary>A new service-level threshold starts a fresh meter (its counts are by threshold).</summary>
    public void Reconfigure(TimeSpan serviceLevel, OfferPolicy? offer)
    {
        if (serviceLevel != Meter.ServiceLevelThreshold) Meter = new WaitMeter(Meter.WindowLength, serviceLevel);
        Policy = offer;
    }
}

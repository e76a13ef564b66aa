namespace Ivr.Engine.Events;

/// <summary>
/// The <c>Events</c> section: the webhooks the call's life is sent to as CloudEvents, and how the outbox is drained. No
/// webhook: no event is written (the contact history is kept either way).
/// </summary>
public sealed class EventsOptions
{
    /// <summary>The webhooks by name (<c>Events:Webhooks:NAME:Url|Secret|Types</c>).</summary>
    public Dictionary<string, WebhookOptions> Webhooks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The CloudEvents <c>source</c> of every event (a URI reference).</summary>
    public string Source { get; set; } = "/ivr";

    /// <summary>How often the outbox is looked at when nothing new was written (new events are sent at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after a first failed delivery; doubled at each failure up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one POST may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a node's lease on delivering a webhook's events lasts unless renewed (renewed at each poll).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long delivered events are kept in the outbox before they are deleted.</summary>
    public TimeSpan KeepDelivered { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the calls' timelines are read for new events.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Events kept in memory while the outbox cannot be written; beyond it the oldest are dropped (logged and counted).</summary>
    public int MaxUnwritten { get; set; } = 10_000;

    /// <summary>Throws <see cref="FormatException"/> naming the first setting that cannot work (checked at start).</summary>
    public void Validate()
    {
        static bool Positive(TimeSpan t) => t > TimeSpan.Zero;
        if (!Positive(ScanInterval)) throw new FormatException($"Events:ScanInterval must be more than 0, not {ScanInterval}.");
        if (!Positive(PollInterval)) throw new FormatException($"Events:PollInterval must be more than 0, not {PollInterval}.");
        if (!Positive(RetryMin)) throw new FormatException($"Events:RetryMin must be more than 0, not {RetryMin}.");
        if (RetryMax < RetryMin) throw new FormatException($"Events:RetryMax ({RetryMax}) must be at least Events:RetryMin ({RetryMin}).");
        if (!Positive(Timeout)) throw new FormatException($"Events:Timeout must be more than 0, not {Timeout}.");
        if (Lease <= Timeout) throw new FormatException($"Events:Lease ({Lease}) must be longer than Events:Timeout ({Timeout}): a lease must outlast a delivery, or another node takes over mid-send.");
        if (!Positive(KeepDelivered)) throw new FormatException($"Events:KeepDelivered must be more than 0, not {KeepDelivered}.");
        if (MaxUnwritten < 1) throw new FormatException($"Events:MaxUnwritten must be 1 or more, not {MaxUnwritten}.");
    }
}

namespace Ivr.Engine.Hosting;

/// <summary>Call admission and drain (<c>Calls</c> section).</summary>
public sealed class CallsOptions
{
    /// <summary>Live calls beyond which new INVITEs get 503.</summary>
    public int MaxCalls { get; set; } = 1000;

    /// <summary>How long a drain (Ctrl-C) lets live calls finish before hanging them up.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an incoming call rings (<c>180 Ringing</c>) before the engine answers; 0 (the default) answers at once.
    /// At most one minute.
    /// </summary>
    public TimeSpan RingFor { get; set; }

    /// <summary>The longest <see cref="RingFor"/> accepted (RFC 3261 §13.3.1.1 would need a 180 again every minute).</summary>
    public static readonly TimeSpan MaxRingFor = TimeSpan.FromMinutes(1);

    /// <summary>The Retry-After sent with 503.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

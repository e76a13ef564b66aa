namespace Ivr.Engine.Hosting;

/// <summary>Call admission and drain (<c>Calls</c> section).</summary>
public sealed class CallsOptions
{
    /// <summary>Live calls beyond which new INVITEs get 503.</summary>
    public int MaxCalls { get; set; } = 1000;

    /// <summary>How long a drain (Ctrl-C) lets live calls finish before hanging them up.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Retry-After sent with 503.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

namespace Ivr.Engine.Integrations.Http;

/// <summary>
/// One service an <c>http</c> step may call (<c>Http:Services:&lt;name&gt;</c>): where it is and how to authenticate. These
/// live only in the engine's settings (appsettings, <c>IVR__Http__Services__crm__Secret</c>, <c>--set</c>), never in a flow,
/// so a flow designer can neither see a token nor send it to another host.
/// </summary>
public sealed class HttpServiceOptions
{
    /// <summary>
    /// Absolute http(s) URL the step's <c>path</c> is appended to, e.g. <c>https://crm.example.com/api</c>; it may have a query
    /// (<c>…/api?key={secret}</c>) whose parameters every request keeps, but no user info and no fragment.
    /// </summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Headers sent with every request; a value may hold <c>{secret}</c>, replaced by <see cref="Secret"/>. A
    /// <c>Content-Type</c> here is the content type of a POST's JSON body.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A token or key, put where a header or the base URL says <c>{secret}</c> (URL-encoded in the URL); shown as
    /// <c>***</c> in logs and the timeline.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Retries of a GET (0–5) after a network error, an attempt that took longer than <see cref="AttemptTimeout"/>, or a
    /// 5xx/408/429, while the step's timeout leaves time; POST is never retried (it may not be idempotent). Per service.
    /// </summary>
    public int Retries { get; set; } = 1;

    /// <summary>Pause before a retry, in milliseconds.</summary>
    public int RetryDelayMs { get; set; } = 100;

    /// <summary>Seconds one attempt may take before it counts as a failure of the host (for its breaker) and may be retried.
    /// A step whose own shorter timeout cuts an attempt takes <c>onError</c> with <c>timeout</c>, but that is no failure of the host.</summary>
    public double AttemptTimeout { get; set; } = 1.5;

    /// <summary>Largest answer body read, in bytes (default 64 KiB); a larger 2xx is refused as <c>bad-json</c>.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>The host's breaker opens once this many attempts were seen in <see cref="BreakerSamplingSeconds"/> … (services
    /// on one host share one breaker, so they must give it the same settings).</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>… and at least this share of them failed (1.0: all of them).</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The window over which failures are counted, in seconds.</summary>
    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long the breaker stays open (steps take <c>onError</c> at once with <c>breaker-open</c>) before one trial request.</summary>
    public double BreakerSeconds { get; set; } = 30;
}

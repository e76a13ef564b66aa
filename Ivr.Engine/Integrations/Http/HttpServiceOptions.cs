namespace Ivr.Engine.Integrations.Http;

/// <summary>
/// One service an <c>http</c> step may call (<c>Http:Services:&lt;name&gt;</c>): where it is and how to authenticate. These
/// live only in the engine's settings (appsettings, <c>IVR__Http__Services__crm__Secret</c>, <c>--set</c>), never in a flow,
/// so a flow designer can neither see a token nor send it to another host.
/// </summary>
public sealed class HttpServiceOptions
{
    /// <summary>Absolute http(s) URL the step's <c>path</c> is appended to, e.g. <c>https://crm.example.com/api</c>.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Headers sent with every request; a value may hold <c>{secret}</c>, replaced by <see cref="Secret"/>.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A token or key, put where a header (or the base URL) says <c>{secret}</c>; masked as <c>***</c> in every log line.</summary>
    public string? Secret { get; set; }

    /// <summary>Retries of a GET after a network error, a timeout of one attempt or a 5xx/408/429 (POST is never retried: it may not be idempotent).</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Pause before a retry, in milliseconds.</summary>
    public int RetryDelayMs { get; set; } = 100;

    /// <summary>The breaker opens once this many requests to the host were seen in <see cref="BreakerSamplingSeconds"/> …</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>… and at least this share of them failed (1.0: all of them).</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The window over which failures are counted, in seconds.</summary>
    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long the breaker stays open (steps take <c>onError</c> at once with <c>breaker-open</c>) before one trial request.</summary>
    public double BreakerSeconds { get; set; } = 30;
}

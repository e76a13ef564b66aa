namespace Ivr.Flows.Runtime;

/// <summary>The values of <c>http.error</c> after an <c>http</c> step took <c>onError</c> (empty after a success).</summary>
public static class HttpErrors
{
    /// <summary>No answer within the step's <c>timeout</c> (retries included).</summary>
    public const string Timeout = "timeout";

    /// <summary>The service answered with a status outside 2xx (<c>http.status</c> holds it).</summary>
    public const string Status = "status";

    /// <summary>The 2xx answer is not JSON.</summary>
    public const string BadJson = "bad-json";

    /// <summary>A pointer of the step's <c>map</c> names nothing in the answer.</summary>
    public const string MissingField = "missing-field";

    /// <summary>The service's circuit breaker is open after repeated failures: no request was sent.</summary>
    public const string BreakerOpen = "breaker-open";

    /// <summary>The service could not be reached (connection refused, reset, DNS).</summary>
    public const string Network = "network";

    /// <summary>The host has no settings for the step's <c>service</c>.</summary>
    public const string NoService = "no-service";

    /// <summary>A value put in the step's <c>path</c> is empty, <c>.</c> or <c>..</c>, or the URL would not be the service's base
    /// path followed by the step's path: nothing was sent.</summary>
    public const string BadPath = "bad-path";

    /// <summary>The call ended before the answer came; the request was cancelled (counted in metrics, never seen by a flow).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A simulation found no stub for the step in the scenario.</summary>
    public const string NoStub = "no-stub";
}

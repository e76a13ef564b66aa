namespace Ivr.Flows.Runtime;

/// <summary>What came back from an <see cref="HttpRequestEffect"/>: a response (any status), or a failure with no usable response.</summary>
/// <param name="Status">The HTTP status, or 0 when no response came back.</param>
/// <param name="Body">The response body as text (null when none).</param>
/// <param name="Error">One of <see cref="HttpErrors"/> when the request failed before a response; null when <paramref name="Status"/> is set.</param>
public sealed record HttpResult(int Status, string? Body, string? Error)
{
    /// <summary>A response with a status and a body; the run judges the status and parses the body.</summary>
    public static HttpResult Response(int status, string? body) => new(status, body, null);

    /// <summary>No response: <paramref name="error"/> is one of <see cref="HttpErrors"/>.</summary>
    public static HttpResult Failed(string error) => new(0, null, error);
}

namespace Ivr.Flows.Model.Steps;

/// <summary>The HTTP methods an <c>http</c> step may use.</summary>
public enum HttpStepMethod
{
    /// <summary>GET: no body.</summary>
    Get,
    /// <summary>POST with a JSON object body.</summary>
    Post,
}

/// <summary>
/// Calls a service of the company's (named in the engine's settings, never in the flow: the base URL, headers and secrets live
/// there) and maps fields of its JSON answer to variables; every failure (timeout, non-2xx, bad JSON, missing field, breaker
/// open) takes <see cref="OnError"/> with <c>http.error</c> saying which.
/// </summary>
public sealed record HttpStep : Step
{
    public override string Kind => "http";

    /// <summary>The service's name: the engine reads <c>Http:Services:&lt;name&gt;</c> from its settings.</summary>
    public required string Service { get; init; }

    public HttpStepMethod Method { get; init; } = HttpStepMethod.Get;

    /// <summary>Path and query under the service's base URL, starting with <c>/</c>; <c>{var}</c> values are URL-encoded.</summary>
    public required string Path { get; init; }

    /// <summary>POST only: the JSON object sent, member → string template.</summary>
    public IReadOnlyDictionary<string, string>? Body { get; init; }

    /// <summary>Seconds the caller waits for the answer, retries included (default 2).</summary>
    public double Timeout { get; init; } = 2;

    /// <summary>Variable → RFC 6901 JSON pointer into the answer.</summary>
    public IReadOnlyDictionary<string, string> Map { get; init; } = new Dictionary<string, string>();

    /// <summary>Played (and replayed) while the answer is awaited, so the caller never hears silence.</summary>
    public PromptRef? Filler { get; init; }

    public required string Next { get; init; }
    public required string OnError { get; init; }

    public override IEnumerable<StepLink> Links() =>
        [new("next", Next, Pointer + "/next"), new("error", OnError, Pointer + "/onError")];

    public override IEnumerable<PromptRef> PromptRefs() => Filler is null ? [] : [Filler];
}

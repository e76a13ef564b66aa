using Ivr.Flows.Runtime;

namespace Ivr.Engine.Integrations.Http;

/// <summary>What <see cref="HttpStepClient"/> got for one <c>http</c> step: the result for the run, the URL called (masked) and the wait.</summary>
/// <param name="Result">The response or failure the run judges.</param>
/// <param name="Url">The URL called as shown in logs and the timeline: the secret and every query value as <c>***</c> (or the
/// step's path when the service is unknown).</param>
/// <param name="Elapsed">From the request to the answer, retries included.</param>
public sealed record HttpStepAnswer(HttpResult Result, string Url, TimeSpan Elapsed);

using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>
/// Call a configured service over HTTP; the host answers <see cref="FlowRun.HttpResult"/> once, within <paramref name="Timeout"/>
/// (an answer that did not come in time is <see cref="HttpResult.Failed"/> with <see cref="HttpErrors.Timeout"/>).
/// </summary>
/// <param name="Step">The step's name, for logs and metrics.</param>
/// <param name="Service">The service's name in the host's settings (<c>Http:Services:&lt;name&gt;</c>): base URL, headers, secrets.</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Path">Path and query under the base URL, its variables already URL-encoded.</param>
/// <param name="Body">POST: the JSON object text to send; null for GET.</param>
/// <param name="Timeout">How long the caller waits, retries included.</param>
/// <param name="ReadsAnswer">False when the step maps nothing: the host need not read a 2xx answer's body.</param>
public sealed record HttpRequestEffect(string Step, string Service, HttpStepMethod Method, string Path, string? Body, TimeSpan Timeout, bool ReadsAnswer = true) : FlowEffect;

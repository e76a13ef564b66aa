using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Ivr.Engine.Integrations.Http;

/// <summary>
/// Carries out the <c>http</c> steps of every call: one shared <see cref="SocketsHttpHandler"/> (pooled connections, no
/// redirects, so a header never follows a 3xx elsewhere), and per host one Polly pipeline — retries of idempotent requests
/// inside a circuit breaker that counts every attempt. The step's timeout bounds the whole wait, retries included. Never
/// throws for a failed request: every failure is an <see cref="HttpResult"/> with one of <see cref="HttpErrors"/>.
/// </summary>
public sealed class HttpStepClient : IDisposable
{
    /// <summary>Largest answer read; a larger one is refused as <see cref="HttpErrors.BadJson"/> (no flow needs more from a lookup).</summary>
    public const int MaxBodyBytes = 1 << 20;

    private static readonly ResiliencePropertyKey<bool> Idempotent = new("ivr.http.idempotent");

    private readonly HttpServiceCatalog _services;
    private readonly HttpStepMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);

    /// <summary>Creates the client over <paramref name="handler"/> (default: a shared <see cref="SocketsHttpHandler"/>).</summary>
    public HttpStepClient(HttpServiceCatalog services, HttpStepMetrics metrics, TimeProvider time, ILogger<HttpStepClient> log, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _services = services;
        _metrics = metrics;
        _time = time;
        _log = log;
        _client = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            // The step's own timeout (a cancellation token) bounds each request.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The metrics this client records.</summary>
    public HttpStepMetrics Metrics => _metrics;

    /// <summary>Sends <paramref name="request"/> to its service and reads the answer, within the step's timeout.</summary>
    public async Task<HttpStepAnswer> SendAsync(HttpRequestEffect request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var service = _services.Find(request.Service);
        if (service is null)
        {
            _log.LogWarning("http step {Step}: service '{Service}' is not configured under {Section} (configured: {Known})",
                request.Step, request.Service, HttpServiceCatalog.Section, _services.Names.Count == 0 ? "none" : string.Join(", ", _services.Names));
            return Done(request, null, request.Path, HttpResult.Failed(HttpErrors.NoService), HttpErrors.NoService, started);
        }
        var url = service.Resolve(request.Path);
        var shown = service.Masked(url.AbsoluteUri);
        if (!string.Equals(url.GetLeftPart(UriPartial.Authority), service.HostKey, StringComparison.OrdinalIgnoreCase))
        {
            _log.LogWarning("http step {Step}: path {Path} leaves the host of service '{Service}'; not sent", request.Step, request.Path, service.Name);
            return Done(request, service, shown, HttpResult.Failed(HttpErrors.NoService), HttpErrors.NoService, started);
        }

        using var budget = new CancellationTokenSource(request.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancel);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        context.Properties.Set(Idempotent, request.Method == HttpStepMethod.Get);
        try
        {
            var pipeline = _pipelines.GetOrAdd(service.HostKey, _ => Pipeline(service));
            using var response = await pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    using var message = state.Client.Message(state.Service, state.Request, state.Url);
                    return await state.Client._client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Client: this, Service: service, Request: request, Url: url)).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var body = await ReadAsync(response, linked.Token).ConfigureAwait(false);
            if (body is null)
            {
                _log.LogWarning("http step {Step}: {Method} {Url} answered more than {Max} bytes; refused as bad JSON", request.Step, Verb(request), shown, MaxBodyBytes);
                return Done(request, service, shown, HttpResult.Failed(HttpErrors.BadJson), HttpErrors.BadJson, started);
            }
            var ok = status is >= 200 and <= 299;
            if (!ok) _log.LogWarning("http step {Step}: {Method} {Url} answered {Status}", request.Step, Verb(request), shown, status);
            return Done(request, service, shown, HttpResult.Response(status, body), ok ? "ok" : HttpErrors.Status, started);
        }
        catch (BrokenCircuitException)
        {
            _log.LogWarning("http step {Step}: the circuit breaker of {Host} is open; {Method} {Url} not sent", request.Step, service.HostKey, Verb(request), shown);
            return Done(request, service, shown, HttpResult.Failed(HttpErrors.BreakerOpen), HttpErrors.BreakerOpen, started);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            _log.LogWarning("http step {Step}: {Method} {Url} timed out after {Timeout} s", request.Step, Verb(request), shown, request.Timeout.TotalSeconds);
            return Done(request, service, shown, HttpResult.Failed(HttpErrors.Timeout), HttpErrors.Timeout, started);
        }
        catch (HttpRequestException ex)
        {
            _log.LogWarning("http step {Step}: {Method} {Url} failed: {Reason}", request.Step, Verb(request), shown, service.Masked(ex.Message));
            return Done(request, service, shown, HttpResult.Failed(HttpErrors.Network), HttpErrors.Network, started);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private HttpStepAnswer Done(HttpRequestEffect request, HttpService? service, string url, HttpResult result, string outcome, long started)
    {
        var elapsed = _time.GetElapsedTime(started);
        _metrics.Completed(service?.Name ?? request.Service, outcome, elapsed);
        if (outcome == "ok") _log.LogDebug("http step {Step}: {Method} {Url} answered {Status} in {Ms:0} ms", request.Step, Verb(request), url, result.Status, elapsed.TotalMilliseconds);
        return new HttpStepAnswer(result, url, elapsed);
    }

    private HttpRequestMessage Message(HttpService service, HttpRequestEffect request, Uri url)
    {
        var message = new HttpRequestMessage(request.Method == HttpStepMethod.Post ? HttpMethod.Post : HttpMethod.Get, url);
        message.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in service.Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        return message;
    }

    /// <summary>The body as text, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<string?> ReadAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength > MaxBodyBytes) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(HttpService service)
    {
        var o = service.Options;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, o.Retries),
                Delay = TimeSpan.FromMilliseconds(Math.Max(0, o.RetryDelayMs)),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                // A retry needs an idempotent request and a configured retry; once the step's time is up there is none.
                ShouldHandle = args => ValueTask.FromResult(
                    o.Retries > 0 && args.Context.Properties.GetValue(Idempotent, false) && !args.Context.CancellationToken.IsCancellationRequested
                    && (args.Outcome.Exception is HttpRequestException || args.Outcome.Result is { } r && Transient(r.StatusCode))),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    _log.LogInformation("http {Host}: retry {Attempt} after {Reason}", service.HostKey, args.AttemptNumber + 1,
                        args.Outcome.Exception is { } ex ? ex.GetType().Name : ((int)args.Outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(0.5, o.BreakerSamplingSeconds)),
                BreakDuration = TimeSpan.FromSeconds(Math.Max(0.5, o.BreakerSeconds)),
                // A stalled server (the step's time ran out) counts as a failure, like a refused connection or a 5xx.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException or OperationCanceledException
                    || args.Outcome.Result is { } r && Transient(r.StatusCode)),
                OnOpened = args =>
                {
                    _log.LogWarning("http {Host}: circuit breaker open for {Seconds} s", service.HostKey, args.BreakDuration.TotalSeconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    _log.LogInformation("http {Host}: circuit breaker closed", service.HostKey);
                    return default;
                },
            })
            .Build();
    }

    private static string Verb(HttpRequestEffect request) => request.Method == HttpStepMethod.Post ? "POST" : "GET";

    private static bool Transient(HttpStatusCode status) => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}

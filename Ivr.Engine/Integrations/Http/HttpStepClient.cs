using System.Collections.Concurrent;
using System.Globalization;
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
/// Carries out the <c>http</c> steps of every call: one shared <see cref="SocketsHttpHandler"/> (pooled connections, at most
/// <see cref="HttpServiceCatalog.MaxConnectionsPerServer"/> per host, no redirects, so a header never follows a 3xx
/// elsewhere); per service a Polly retry of idempotent requests, around per host one circuit breaker that counts attempts
/// that failed (network error, 5xx/408/429, no answer within the service's <c>AttemptTimeout</c>). The step's timeout bounds
/// the whole wait, retries included; it and the call's end cancel the request without counting against the host. Never
/// throws for a failed request: every failure is an <see cref="HttpResult"/> with one of <see cref="HttpErrors"/>.
/// </summary>
public sealed class HttpStepClient : IDisposable
{
    private static readonly ResiliencePropertyKey<bool> Idempotent = new("ivr.http.idempotent");

    private readonly HttpServiceCatalog _services;
    private readonly HttpStepMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<Attempt>> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ResiliencePipeline<Attempt>> _retries = new(StringComparer.Ordinal);

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
            MaxConnectionsPerServer = services.MaxConnectionsPerServer,
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            // The step's own timeout (a cancellation token) bounds each request.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The metrics this client records.</summary>
    public HttpStepMetrics Metrics => _metrics;

    /// <summary>
    /// Sends <paramref name="request"/> to its service and reads the answer, within the step's timeout; <paramref name="cancel"/>
    /// (the call ended) gives up at once with <see cref="HttpErrors.Cancelled"/>, which is not a failure of the host.
    /// </summary>
    public async Task<HttpStepAnswer> SendAsync(HttpRequestEffect request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var service = _services.Find(request.Service);
        if (service is null)
        {
            _log.LogWarning("http step {Step}: service '{Service}' is not configured under {Section} (configured: {Known})",
                request.Step, request.Service, HttpServiceCatalog.Section, _services.Names.Count == 0 ? "none" : string.Join(", ", _services.Names));
            return Done(request, null, request.Path, HttpErrors.NoService, null, started);
        }
        var shown = service.Shown(request.Path);
        using var budget = new CancellationTokenSource(request.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancel);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        context.Properties.Set(Idempotent, request.Method == HttpStepMethod.Get);
        try
        {
            if (service.Resolve(request.Path) is not { } url)
            {
                _log.LogWarning("http step {Step}: {Url} is not the base path of service '{Service}' followed by the step's path; not sent (bad-path)",
                    request.Step, shown, service.Name);
                return Done(request, service, shown, HttpErrors.BadPath, null, started);
            }
            var breaker = _breakers.GetOrAdd(service.HostKey, _ => Breaker(service));
            var retry = _retries.GetOrAdd(service.Name, _ => Retry(service));
            var outcome = await retry.ExecuteOutcomeAsync(
                static (ctx, state) => state.Breaker.ExecuteOutcomeAsync(
                    static (inner, s) => s.Client.AttemptAsync(s.Service, s.Request, s.Url, inner.CancellationToken), ctx, state),
                context,
                (Client: this, Service: service, Request: request, Url: url, Breaker: breaker)).ConfigureAwait(false);
            outcome.ThrowIfException();
            var attempt = outcome.Result!;
            if (attempt.TooLarge)
            {
                _log.LogWarning("http step {Step}: {Method} {Url} answered more than {Max} bytes (MaxResponseBytes); refused as bad JSON",
                    request.Step, Verb(request), shown, service.Options.MaxResponseBytes);
                return Done(request, service, shown, HttpErrors.BadJson, null, started);
            }
            var ok = attempt.Status is >= 200 and <= 299;
            if (!ok) _log.LogWarning("http step {Step}: {Method} {Url} answered {Status}", request.Step, Verb(request), shown, attempt.Status);
            return Done(request, service, shown, ok ? "ok" : HttpErrors.Status, HttpResult.Response(attempt.Status, attempt.Body), started);
        }
        catch (BrokenCircuitException)
        {
            _log.LogWarning("http step {Step}: the circuit breaker of {Host} is open; {Method} {Url} not sent", request.Step, service.HostKey, Verb(request), shown);
            return Done(request, service, shown, HttpErrors.BreakerOpen, null, started);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            _log.LogDebug("http step {Step}: {Method} {Url} cancelled: the call ended", request.Step, Verb(request), shown);
            return Done(request, service, shown, HttpErrors.Cancelled, null, started);
        }
        catch (Exception ex) when (ex is OperationCanceledException && budget.IsCancellationRequested || ex is TimeoutException)
        {
            _log.LogWarning("http step {Step}: {Method} {Url} timed out after {Timeout} s", request.Step, Verb(request), shown, request.Timeout.TotalSeconds);
            return Done(request, service, shown, HttpErrors.Timeout, null, started);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            _log.LogWarning("http step {Step}: {Method} {Url} failed: {Reason}", request.Step, Verb(request), shown, service.Masked(ex.Message));
            return Done(request, service, shown, HttpErrors.Network, null, started);
        }
        catch (InvalidDataException ex)
        {
            _log.LogWarning("http step {Step}: {Method} {Url} sent a body that could not be decompressed: {Reason}; refused as bad JSON",
                request.Step, Verb(request), shown, ex.Message);
            return Done(request, service, shown, HttpErrors.BadJson, null, started);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>Records the outcome (every path goes through here) and builds the answer: <paramref name="result"/>, or a failure with <paramref name="outcome"/>.</summary>
    private HttpStepAnswer Done(HttpRequestEffect request, HttpService? service, string url, string outcome, HttpResult? result, long started)
    {
        var elapsed = _time.GetElapsedTime(started);
        _metrics.Completed(service?.Name ?? request.Service, outcome, elapsed);
        result ??= HttpResult.Failed(outcome);
        if (outcome == "ok") _log.LogDebug("http step {Step}: {Method} {Url} answered {Status} in {Ms:0} ms", request.Step, Verb(request), url, result.Status, elapsed.TotalMilliseconds);
        return new HttpStepAnswer(result, url, elapsed);
    }

    /// <summary>
    /// One attempt: sends, then reads the body of a 2xx the step maps (inside the pipeline, so a cut body is retried and
    /// counted like a cut connection). An attempt longer than the service's <c>AttemptTimeout</c> throws <see cref="TimeoutException"/>.
    /// </summary>
    private async ValueTask<Outcome<Attempt>> AttemptAsync(HttpService service, HttpRequestEffect request, Uri url, CancellationToken cancel)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(service.Options.AttemptTimeout), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, limit.Token);
        try
        {
            using var message = Message(service, request, url);
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            // A status outside 2xx is judged by its code alone, and a step that maps nothing needs no body.
            if (status is < 200 or > 299 || !request.ReadsAnswer) return Outcome.FromResult(new Attempt(status, null, false));
            var body = await ReadAsync(response, service.Options.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            return Outcome.FromResult(new Attempt(status, body, body is null));
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            return Outcome.FromException<Attempt>(new TimeoutException($"no answer within the attempt timeout ({service.Options.AttemptTimeout} s)"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or OperationCanceledException)
        {
            return Outcome.FromException<Attempt>(ex);
        }
    }

    private static HttpRequestMessage Message(HttpService service, HttpRequestEffect request, Uri url)
    {
        var message = new HttpRequestMessage(request.Method == HttpStepMethod.Post ? HttpMethod.Post : HttpMethod.Get, url);
        message.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in service.Headers)
        {
            if (!string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase)) message.Headers.TryAddWithoutValidation(name, value);
        }
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
            if (service.ContentType is { } type) message.Content.Headers.ContentType = type;
        }
        return message;
    }

    /// <summary>The body as text, or null when it is larger than <paramref name="max"/> bytes.</summary>
    private static async Task<string?> ReadAsync(HttpResponseMessage response, int max, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength > max) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > max) return null;
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The service's retries (its own settings), around the host's breaker.</summary>
    private ResiliencePipeline<Attempt> Retry(HttpService service)
    {
        var o = service.Options;
        if (o.Retries == 0) return ResiliencePipeline<Attempt>.Empty;
        return new ResiliencePipelineBuilder<Attempt> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = o.Retries,
                Delay = TimeSpan.FromMilliseconds(Math.Max(0, o.RetryDelayMs)),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                // A retry needs an idempotent request; once the step's time is up (or the call ended) there is none.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(Idempotent, false) && !args.Context.CancellationToken.IsCancellationRequested
                    && (HostFailed(args.Outcome.Exception) || args.Outcome.Result is { } r && Transient(r.Status))),
                OnRetry = args =>
                {
                    _log.LogInformation("http service {Service}: retry {Attempt} after {Reason}", service.Name, args.AttemptNumber + 1,
                        args.Outcome.Exception is { } ex ? ex.GetType().Name : args.Outcome.Result!.Status.ToString(CultureInfo.InvariantCulture));
                    return default;
                },
            })
            .Build();
    }

    /// <summary>The host's breaker (settings of the first service on it; the catalog refused services on one host whose settings differ).</summary>
    private ResiliencePipeline<Attempt> Breaker(HttpService service)
    {
        var o = service.Options;
        return new ResiliencePipelineBuilder<Attempt> { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<Attempt>
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(0.5, o.BreakerSamplingSeconds)),
                BreakDuration = TimeSpan.FromSeconds(Math.Max(0.5, o.BreakerSeconds)),
                // A failure of the host: refused or cut connection, a 5xx/408/429, an attempt past AttemptTimeout. A step's own
                // timeout or the call's end (OperationCanceledException) says nothing about the host and is not counted.
                ShouldHandle = args => ValueTask.FromResult(HostFailed(args.Outcome.Exception) || args.Outcome.Result is { } r && Transient(r.Status)),
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

    private static bool HostFailed(Exception? ex) => ex is HttpRequestException or IOException or TimeoutException;

    private static string Verb(HttpRequestEffect request) => request.Method == HttpStepMethod.Post ? "POST" : "GET";

    private static bool Transient(int status) => status >= 500 || status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests;

    /// <summary>What one attempt got: the status, the body when read, or that the body was over the service's limit.</summary>
    private sealed record Attempt(int Status, string? Body, bool TooLarge);
}

using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>
/// POSTs the agent's context to <c>ScreenPop:Url</c> when the agent's phone starts ringing: on its own task (the INVITE is
/// never held back), bounded by <c>ScreenPop:Timeout</c>, signed like the events webhooks, best effort (no retry: a pop
/// that comes after the agent answered is of no use). Failures are logged and counted, never seen by the call.
/// </summary>
public sealed class ScreenPopSender : IScreenPop
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly ScreenPopOptions _options;
    private readonly HttpClient _http;
    private readonly WebhookSigner _sign;
    private readonly ScreenPopMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Uri? _url;
    private int _inFlight;

    /// <summary>A sender through <paramref name="http"/> (no redirects followed), signing with <paramref name="sign"/>.</summary>
    public ScreenPopSender(ScreenPopOptions options, HttpClient http, WebhookSigner sign, ScreenPopMetrics metrics, TimeProvider time, ILogger<ScreenPopSender> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(sign);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _http = http;
        _sign = sign;
        _metrics = metrics;
        _time = time;
        _log = log;
        _url = options.Enabled ? new Uri(options.Url!, UriKind.Absolute) : null;
    }

    /// <inheritdoc />
    public void AgentRinging(AgentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_url is null) return;
        if (Interlocked.Increment(ref _inFlight) > _options.MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            _metrics.Dropped();
            _log.LogWarning("Screen-pop for call {CallId} not sent: {Max} already in flight", context.CallId, _options.MaxInFlight);
            return;
        }
        _ = Task.Run(() => SendAsync(context));
    }

    /// <summary>Sends one screen-pop and waits for its outcome (<c>ok</c>, <c>status</c>, <c>timeout</c>, <c>network</c>); never throws.</summary>
    internal async Task<string> SendAsync(AgentContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "network";
        try
        {
            var body = AgentContextJson.ScreenPopBody(context, _time.GetUtcNow());
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = Json;
            if (!string.IsNullOrEmpty(_options.Secret))
            {
                foreach (var (name, value) in _sign(_options.Secret, body)) request.Headers.TryAddWithoutValidation(name, value);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.Timeout), _time);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            outcome = response.IsSuccessStatusCode ? "ok" : "status";
            if (outcome != "ok")
                _log.LogWarning("Screen-pop for call {CallId} to {Url}: answered {Status}", context.CallId, Masked(), (int)response.StatusCode);
        }
        catch (OperationCanceledException)
        {
            outcome = "timeout";
            _log.LogWarning("Screen-pop for call {CallId} to {Url}: no answer within {Timeout} s", context.CallId, Masked(), _options.Timeout);
        }
        catch (HttpRequestException ex)
        {
            _log.LogWarning("Screen-pop for call {CallId} to {Url} failed: {Problem}", context.CallId, Masked(), ex.Message);
        }
        catch (Exception ex)
        {
            // Best effort: nothing a screen-pop does may reach the call.
            _log.LogError(ex, "Screen-pop for call {CallId} failed", context.CallId);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
        _metrics.Completed(outcome, Stopwatch.GetElapsedTime(started));
        if (outcome == "ok") _log.LogDebug("Screen-pop for call {CallId} sent to {Url}", context.CallId, Masked());
        return outcome;
    }

    // The URL as logged: scheme, host, port and path; a query (it may hold a key) is shown as ***.
    private string Masked() => _url is null ? "-" : _url.GetLeftPart(UriPartial.Path) + (_url.Query.Length > 1 ? "?***" : string.Empty);
}

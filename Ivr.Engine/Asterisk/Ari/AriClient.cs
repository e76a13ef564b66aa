using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Asterisk.Ari;

/// <summary>
/// The engine as an ARI application: REST requests over HTTP (basic authentication) and the events WebSocket
/// (<c>/ari/events?app=…</c>, RFC 6455), which keeps the Stasis application registered while the engine's snoop and
/// external media channels live in it. The socket is opened at first use and again after it drops; its events are read
/// and dropped (the call's AGI session already tells the engine when the caller hangs up).
/// </summary>
public sealed class AriClient : IAsyncDisposable
{
    private readonly AriSettings _settings;
    private readonly AriMetrics _metrics;
    private readonly ILogger _log;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private ClientWebSocket? _events;
    private AriException? _lastFailure;
    private long _failedAt;

    /// <summary>A client for <paramref name="settings"/>; failures are counted on <paramref name="metrics"/>.</summary>
    public AriClient(AriSettings settings, AriMetrics metrics, ILogger? log = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        _settings = settings;
        _metrics = metrics;
        _log = log ?? NullLogger.Instance;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        // Any path prefix (http.conf prefix=, a reverse proxy) is kept; user info and query are not (credentials stay in the header).
        var root = new UriBuilder(settings.BaseUrl) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        root.Path = root.Path.TrimEnd('/') + "/ari/";
        _http.BaseAddress = root.Uri;
        _http.Timeout = settings.RequestTimeout;
        _http.MaxResponseContentBufferSize = MaxReply;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Credentials);
    }

    /// <summary>How long a failed registration is remembered: calls meanwhile fail at once instead of each waiting for it.</summary>
    public static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);

    // No ARI reply the engine reads is near this (a channel's JSON is about 1 KiB).
    private const int MaxReply = 64 * 1024;

    /// <summary>The Stasis application's name.</summary>
    public string App => _settings.App;

    /// <summary>The counters.</summary>
    public AriMetrics Metrics => _metrics;

    private string Credentials => Convert.ToBase64String(Encoding.UTF8.GetBytes(_settings.User + ":" + _settings.Password));

    /// <summary>
    /// Sets up the audio path of <paramref name="channel"/> (an Asterisk unique id, as in <c>agi_uniqueid</c>): a snoop
    /// channel hearing what the caller says, an external media channel sending it as µ-law RTP to
    /// <paramref name="rtpTarget"/>, both in a new mixing bridge. What was created is destroyed again when a later request fails.
    /// </summary>
    /// <exception cref="AriException">ARI is unreachable, refuses the credentials, or refuses a request.</exception>
    public async Task<AriMediaPath> OpenMediaAsync(string channel, IPEndPoint rtpTarget, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(rtpTarget);
        await RegisterAsync(cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("N")[..16];
        var snoop = "ivr-snoop-" + id;
        var external = "ivr-media-" + id;
        var bridge = "ivr-bridge-" + id;
        var created = new List<Func<Task>>();
        try
        {
            (await SendAsync(HttpMethod.Post, $"channels/{Esc(channel)}/snoop?spy=in&whisper=none&app={Esc(App)}&snoopId={snoop}", cancellationToken).ConfigureAwait(false)).Dispose();
            created.Add(() => DeleteAsync("channels/" + snoop));
            using var media = await SendAsync(HttpMethod.Post,
                $"channels/externalMedia?app={Esc(App)}&channelId={external}&external_host={Esc(rtpTarget.ToString())}&format=ulaw&encapsulation=rtp&transport=udp&direction=both",
                cancellationToken).ConfigureAwait(false);
            created.Add(() => DeleteAsync("channels/" + external));
            var asteriskRtp = await AsteriskRtpOfAsync(media, cancellationToken).ConfigureAwait(false);
            (await SendAsync(HttpMethod.Post, $"bridges?type=mixing&bridgeId={bridge}&name={bridge}", cancellationToken).ConfigureAwait(false)).Dispose();
            created.Add(() => DeleteAsync("bridges/" + bridge));
            (await SendAsync(HttpMethod.Post, $"bridges/{bridge}/addChannel?channel={snoop},{external}", cancellationToken).ConfigureAwait(false)).Dispose();
            return new AriMediaPath(channel, snoop, external, bridge, asteriskRtp);
        }
        catch
        {
            // Whatever failed (a refusal, the client disposed at shutdown): nothing created is left behind.
            created.Reverse();
            foreach (var undo in created) await undo().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Registers the Stasis application (its events WebSocket) unless it is already; a registration that failed less
    /// than <see cref="FailFast"/> ago fails again at once, so calls do not queue behind an unreachable Asterisk.
    /// </summary>
    /// <exception cref="AriException">ARI is unreachable or refuses the credentials (now or just before).</exception>
    public Task EnsureRegisteredAsync(CancellationToken cancellationToken) => RegisterAsync(cancellationToken);

    /// <summary>Keeps <paramref name="work"/> (a path being opened or closed) so that disposing waits for it, bounded by the request timeout.</summary>
    public void Track(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.IsCompleted) return;
        _inFlight.TryAdd(work, 0);
        _ = work.ContinueWith(done => _inFlight.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Destroys <paramref name="path"/>: the external media channel, the snoop channel (gone already when the caller hung
    /// up) and the bridge. Never throws: a failure is logged and counted as <c>teardown</c>.
    /// </summary>
    public async Task CloseMediaAsync(AriMediaPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        await DeleteAsync("channels/" + path.ExternalId).ConfigureAwait(false);
        await DeleteAsync("channels/" + path.SnoopId).ConfigureAwait(false);
        await DeleteAsync("bridges/" + path.BridgeId).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Waits for paths being closed (their DELETEs) at most the request timeout, then closes the events socket.</remarks>
    public async ValueTask DisposeAsync()
    {
        var pending = _inFlight.Keys.ToArray();
        if (pending.Length > 0)
        {
            try
            {
                await Task.WhenAll(pending).WaitAsync(_settings.RequestTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _log.LogWarning("{Count} ARI path(s) still closing after {Timeout}: they may be left in Asterisk", pending.Count(t => !t.IsCompleted), _settings.RequestTimeout);
            }
            catch (Exception ex) when (ex is AriException or OperationCanceledException)
            {
                _log.LogDebug(ex, "An ARI path closing at shutdown failed");
            }
        }
        var socket = Interlocked.Exchange(ref _events, null);
        if (socket is not null)
        {
            try
            {
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "engine stopping", bound.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                _log.LogDebug(ex, "Closing the ARI events socket");
            }
            socket.Dispose();
        }
        // Cancelled after the close frame went out: the drain loop ends on it, not on an aborted socket.
        await _stopping.CancelAsync().ConfigureAwait(false);
        _http.Dispose();
        _connecting.Dispose();
        _stopping.Dispose();
    }

    // The Stasis application exists while its events socket is open: Asterisk puts the snoop and external media
    // channels in it, and a channel created for an application nobody listens to is not controlled by ARI.
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _events) is { State: WebSocketState.Open }) return;
        ThrowIfFailedJustNow();
        if (!await _connecting.WaitAsync(_settings.RequestTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw Fail("timeout", $"ARI at {_http.BaseAddress}: another registration still runs after {_settings.RequestTimeout}");
        }
        try
        {
            if (Volatile.Read(ref _events) is { State: WebSocketState.Open }) return;
            ThrowIfFailedJustNow();
            try
            {
                await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AriException ex)
            {
                Volatile.Write(ref _failedAt, Environment.TickCount64);
                Volatile.Write(ref _lastFailure, ex);
                throw;
            }
            Volatile.Write(ref _lastFailure, null);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private void ThrowIfFailedJustNow()
    {
        if (Volatile.Read(ref _lastFailure) is not { } last) return;
        var ago = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _failedAt));
        if (ago < FailFast) throw Fail(last.Reason, $"{last.Message} (not tried again for {FailFast.TotalSeconds:F0} s)", last);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // The REST ping first: it tells a refused password (401) from an unreachable Asterisk in one clear line.
        (await SendAsync(HttpMethod.Get, "asterisk/ping", cancellationToken).ConfigureAwait(false)).Dispose();
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Basic " + Credentials);
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        var builder = new UriBuilder(_http.BaseAddress!)
        {
            Scheme = _http.BaseAddress!.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = _http.BaseAddress!.AbsolutePath + "events",
            Query = "app=" + Esc(App) + "&subscribeAll=false",
        };
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        bound.CancelAfter(_settings.RequestTimeout);
        try
        {
            await socket.ConnectAsync(builder.Uri, bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            socket.Dispose();
            throw Fail("connect", $"ARI events WebSocket {builder.Uri} refused: {ex.Message}", ex);
        }
        Interlocked.Exchange(ref _events, socket)?.Dispose();
        _log.LogInformation("ARI application {App} registered on {Url}", App, _http.BaseAddress);
        _ = Task.Run(() => DrainAsync(socket));
    }

    // Reads the events until the socket closes; nothing in them is needed (the AGI session reports the caller's hang-up).
    private async Task DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var read = await socket.ReceiveAsync(buffer, _stopping.Token).ConfigureAwait(false);
                if (read.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _log.LogDebug(ex, "ARI events socket ended");
        }
        if (!_stopping.IsCancellationRequested) _log.LogInformation("ARI events socket of {App} closed; opened again at the next speech step", App);
        Interlocked.CompareExchange(ref _events, null, socket);
        socket.Dispose();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path);
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Fail("connect", $"ARI at {_http.BaseAddress} unreachable: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail("timeout", $"ARI at {_http.BaseAddress} did not answer {method} {path} within {_settings.RequestTimeout}", ex);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The client disposed at shutdown, or a request it cannot send: a failure of this path like any other.
            throw Fail("connect", $"ARI {method} {path} not sent: {ex.Message}", ex);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            // (The whole body is already buffered, at most MaxReply bytes.)
            var status = (int)response.StatusCode;
            if (status is 401 or 403) throw Fail("auth", $"ARI at {_http.BaseAddress} refused user '{_settings.User}' ({status}): check Asterisk:Ari:User and Password against ari.conf");
            throw Fail("status", $"ARI {method} {path} answered {status.ToString(CultureInfo.InvariantCulture)}: {Trim(body)}");
        }
    }

    private async Task DeleteAsync(string path)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, path);
            using var response = await _http.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
            // 404: gone already (a snoop channel dies with the caller's channel).
            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound) return;
            _metrics.Error("teardown");
            _log.LogWarning("ARI DELETE {Path} answered {Status}: it may be left in Asterisk", path, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
        {
            _metrics.Error("teardown");
            _log.LogWarning("ARI DELETE {Path} failed ({Message}): it may be left in Asterisk", path, ex.Message);
        }
    }

    // The external media channel's RTP address, from the channel variables ARI returns with it.
    private async Task<IPEndPoint> AsteriskRtpOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var vars = json.RootElement.GetProperty("channelvars");
            var address = IPAddress.Parse(vars.GetProperty("UNICASTRTP_LOCAL_ADDRESS").GetString() ?? string.Empty);
            var port = int.Parse(vars.GetProperty("UNICASTRTP_LOCAL_PORT").GetString() ?? string.Empty, CultureInfo.InvariantCulture);
            return new IPEndPoint(address, port);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw Fail("reply", "ARI's externalMedia channel came without UNICASTRTP_LOCAL_ADDRESS/PORT: " + ex.Message, ex);
        }
    }

    private AriException Fail(string reason, string message, Exception? inner = null)
    {
        _metrics.Error(reason);
        return new AriException(reason, message, inner);
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);

    private static string Trim(string body) => body.Length <= 200 ? body : body[..200];
}

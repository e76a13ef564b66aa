using System.Net.Http.Headers;
using System.Text.Json;
using Ivr.Engine.Ops;

namespace Ivr.Engine.Cli;

/// <summary>Reads one call's timeline from the engine's HTTP API (<c>GET /api/calls/{callId}</c>) for <c>dial --trace</c>.</summary>
public sealed class CallTraceClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    /// <summary>A client of the engine at <paramref name="address"/>; <paramref name="token"/> is sent as a bearer token when given.</summary>
    public CallTraceClient(Uri address, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        if (token is { Length: > 0 }) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The engine's HTTP address.</summary>
    public Uri Address { get; }

    /// <summary>The call and its events so far, or why they could not be read (never throws but for cancellation).</summary>
    public async Task<CallTraceRead> ReadAsync(string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callId);
        try
        {
            using var response = await _http.GetAsync(new Uri("/api/calls/" + Uri.EscapeDataString(callId), UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return new CallTraceRead(null, $"{Address} has no call {callId} (is it the engine that took the call?)", Found: false);
            if (!response.IsSuccessStatusCode) return new CallTraceRead(null, $"{Address} answered {(int)response.StatusCode}: {Short(body)}", Found: false);
            var view = JsonSerializer.Deserialize<CallTimelineView>(body, Json);
            return view is null ? new CallTraceRead(null, $"{Address} answered an empty timeline", Found: false) : new CallTraceRead(view, null, Found: true);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Slow (a loaded machine, the engine's first request): worth asking again.
            return new CallTraceRead(null, $"{Address} did not answer in time ({ex.Message})", Found: false);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return new CallTraceRead(null, $"cannot read {Address}: {ex.Message}", Found: false, Unreachable: true);
        }
    }

    /// <summary>Closes the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private static string Short(string body)
    {
        var line = body.Trim().ReplaceLineEndings(" ");
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}

/// <summary>One read of a call's timeline.</summary>
/// <param name="View">The call and its events, or null.</param>
/// <param name="Problem">Why there is no view, in one phrase; null when there is one.</param>
/// <param name="Found">True when the engine knows the call.</param>
/// <param name="Unreachable">True when asking again is pointless: the connection was refused or failed, or the reply is not a timeline.</param>
public sealed record CallTraceRead(CallTimelineView? View, string? Problem, bool Found, bool Unreachable = false);

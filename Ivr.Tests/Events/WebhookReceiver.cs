using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Ivr.Engine.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ivr.Tests.Events;

/// <summary>
/// A real Kestrel webhook receiver on loopback, started and stopped by the test (stopped: the port refuses connections).
/// It keeps every request it got (body, headers, whether the signature verified) and answers 204, or 500 while
/// <see cref="Failing"/> is set.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<Request> _requests = new();
    private WebApplication? _app;

    public WebhookReceiver(string secret)
    {
        Secret = secret;
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public string Secret { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/events";

    /// <summary>While true, every request is answered 500 (and kept, marked as refused).</summary>
    public bool Failing { get; set; }

    /// <summary>Every request, in the order received.</summary>
    public IReadOnlyList<Request> Requests => _requests.ToArray();

    /// <summary>The requests answered 2xx.</summary>
    public IReadOnlyList<Request> Accepted => _requests.Where(r => r.Accepted).ToArray();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.MapPost("/events", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var timestamp = request.Headers[WebhookSignature.TimestampHeader].ToString();
            var signature = request.Headers[WebhookSignature.SignatureHeader].ToString();
            var verified = WebhookSignature.Verify(Secret, timestamp, signature, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
            var accepted = !Failing;
            _requests.Enqueue(new Request(JsonDocument.Parse(body).RootElement.Clone(), request.ContentType, verified, accepted));
            return accepted ? Results.NoContent() : Results.StatusCode(500);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is not { } app) return;
        _app = null;
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for the requests received.</summary>
    public async Task<bool> WaitForAsync(Func<IReadOnlyList<Request>, bool> done, TimeSpan bound)
    {
        var until = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < until)
        {
            if (done(Requests)) return true;
            await Task.Delay(100);
        }
        return done(Requests);
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>One request: the CloudEvent, its content type, whether its signature verified, whether it was answered 2xx.</summary>
    public sealed record Request(JsonElement Event, string? ContentType, bool Verified, bool Accepted)
    {
        public string Id => Event.GetProperty("id").GetString()!;

        public string Type => Event.GetProperty("type").GetString()!;

        public string Subject => Event.GetProperty("subject").GetString()!;

        public JsonElement Data => Event.GetProperty("data");

        public int Sequence => Data.GetProperty("sequence").GetInt32();
    }
}

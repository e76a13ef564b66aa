using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Tests.Integrations;

/// <summary>
/// A FAKE agent desktop (the true external boundary of the screen-pop): a real Kestrel server on loopback port 0 that takes
/// <c>POST /pop</c>, records when it arrived (local clock, as sipp's message log), its headers and raw body, and answers
/// <see cref="Status"/> (or holds the request when <see cref="Stall"/>).
/// </summary>
internal sealed class ScreenPopReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScreenPopReceiver(WebApplication app, string baseUrl)
    {
        _app = app;
        Url = baseUrl + "/pop";
    }

    /// <summary>Where to POST, e.g. <c>http://127.0.0.1:40123/pop</c>.</summary>
    public string Url { get; }

    /// <summary>The status answered (200 unless set).</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>Holds every request until the client gives up.</summary>
    public bool Stall { get; set; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<(DateTime ReceivedAt, IReadOnlyDictionary<string, string> Headers, byte[] Body)> Received { get; } = new();

    public static async Task<ScreenPopReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ScreenPopReceiver? self = null;
        app.MapPost("/pop", async (HttpContext context) =>
        {
            var at = DateTime.Now;
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            self!.Received.Enqueue((at, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            if (self.Stall)
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return Results.Empty;
            }
            return Results.StatusCode(self.Status);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        self = new ScreenPopReceiver(app, url.TrimEnd('/'));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

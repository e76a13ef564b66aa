using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Tests.Integrations;

/// <summary>
/// A FAKE of the company's customer system (the true external boundary of an <c>http</c> step): a real Kestrel server on a
/// loopback address and port 0, answering <c>GET /customers/{account}</c> as <see cref="Mode"/> says, and recording every
/// request it got (path and query, headers).
/// </summary>
internal sealed class LoopbackCrm : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackCrm(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>How the next requests are answered.</summary>
    public enum Answer
    {
        /// <summary>200 with the customer as JSON.</summary>
        Customer,
        /// <summary>500 with a short text.</summary>
        ServerError,
        /// <summary>200 with an HTML page (not JSON).</summary>
        Html,
        /// <summary>Never answers: holds the request until the client gives up (or the server stops).</summary>
        Stall,
        /// <summary>200 with a JSON body of <see cref="BigBytes"/> bytes.</summary>
        Big,
        /// <summary>500 with a text body of <see cref="BigBytes"/> bytes.</summary>
        BigError,
        /// <summary>200 that says <c>Content-Encoding: gzip</c> but sends bytes that are not gzip.</summary>
        BadGzip,
        /// <summary>200 that announces 1000 bytes, sends 10 and then drops the connection (a body cut midway).</summary>
        CutBody,
    }

    /// <summary>Size of the bodies of <see cref="Answer.Big"/> and <see cref="Answer.BigError"/>.</summary>
    public const int BigBytes = 200 * 1024;

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>How requests are answered now (volatile: set by the test, read by Kestrel's threads).</summary>
    public Answer Mode
    {
        get => (Answer)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    private int _mode;

    /// <summary>The customer's name answered by <see cref="Answer.Customer"/>.</summary>
    public string CustomerName { get; set; } = "Ada Lovelace";

    /// <summary>The customer's plan tier answered by <see cref="Answer.Customer"/>.</summary>
    public string Tier { get; set; } = "gold";

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<(string PathAndQuery, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

    /// <summary>Bodies of the POSTs received, in order.</summary>
    public ConcurrentQueue<string> Posted { get; } = new();

    public static async Task<LoopbackCrm> StartAsync(string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls($"http://{address}:0");
        var app = builder.Build();
        LoopbackCrm? crm = null;
        Func<HttpContext, string, Task<IResult>> customer = async (context, account) =>
        {
            var self = crm!;
            self.Requests.Enqueue((context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            switch (self.Mode)
            {
                case Answer.Customer:
                    return Results.Json(new { account, name = self.CustomerName, plan = new { tier = self.Tier } });
                case Answer.ServerError:
                    return Results.Text("database unavailable", statusCode: StatusCodes.Status500InternalServerError);
                case Answer.Html:
                    return Results.Text("<html><body>Login</body></html>", "text/html");
                case Answer.Big:
                    return Results.Text("{\"pad\":\"" + new string('x', BigBytes - 10) + "\"}", "application/json");
                case Answer.BigError:
                    return Results.Text(new string('e', BigBytes), statusCode: StatusCodes.Status500InternalServerError);
                case Answer.BadGzip:
                    context.Response.Headers.ContentEncoding = "gzip";
                    return Results.Bytes("this is not gzip at all"u8.ToArray(), "application/json");
                case Answer.CutBody:
                    context.Response.ContentLength = 1000;
                    await context.Response.Body.WriteAsync("{\"name\":\"A"u8.ToArray());
                    await context.Response.Body.FlushAsync();
                    context.Abort();
                    return Results.Empty;
                default:
                    // The stall this fake exists to show: held until the client aborts the request (or the server stops).
                    try
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    return Results.Empty;
            }
        };
        app.MapGet("/customers/{account}", customer);
        app.MapGet("/api/customers/{account}", customer);
        app.MapPost("/notes", async (HttpContext context) =>
        {
            var self = crm!;
            using var reader = new StreamReader(context.Request.Body);
            self.Posted.Enqueue(await reader.ReadToEndAsync(context.RequestAborted));
            self.Requests.Enqueue((context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return self.Mode == Answer.ServerError
                ? Results.Text("database unavailable", statusCode: StatusCodes.Status500InternalServerError)
                : Results.Json(new { id = 7 });
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        crm = new LoopbackCrm(app, url.TrimEnd('/'));
        return crm;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

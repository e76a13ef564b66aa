using System.Net;
using Ivr.Engine.Contacts;
using Ivr.Engine.Ops;
using Ivr.Tests.Routing.Callbacks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Tests.Contacts;

/// <summary>
/// The contact-history endpoints on a real Kestrel (loopback, own port) over a SQLite history in a temp folder. A request
/// carrying <see cref="RemoteHeader"/> is seen as coming from 192.0.2.10: a fake at the network boundary, because every
/// test socket here is loopback and loopback clients may always read.
/// </summary>
internal sealed class ContactsApiHost : IAsyncDisposable
{
    public const string RemoteHeader = "X-Test-Remote-Client";
    public const string Token = "contacts-test-token";

    private readonly TempDatabase _db = new();
    private WebApplication? _app;

    public HttpClient Http { get; } = new();

    public SqliteContactHistory? History { get; private set; }

    public async Task StartAsync(DateTimeOffset now)
    {
        var history = await SqliteContactHistory.OpenAsync(_db.Database, now);
        History = history;
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(new OpsAccess(new OpsOptions { AdminToken = Token }));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers.ContainsKey(RemoteHeader)) context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
            return next(context);
        });
        app.MapContactsEndpoints(() => Task.FromResult<IContactHistory>(history), new FixedClock(now));
        await app.StartAsync();
        _app = app;
        Http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public async Task<HttpResponseMessage> GetAsync(string path, bool remote = false, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (remote) request.Headers.Add(RemoteHeader, "1");
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Http.Dispose();
        _db.Dispose();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

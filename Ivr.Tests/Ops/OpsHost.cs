using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Calls;
using Ivr.Engine.Cli;
using Ivr.Engine.Hosting;
using Ivr.Tests.Calls;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Tests.Ops;

/// <summary>The engine host exactly as <c>serve</c> builds it, in this process on a free HTTP port, with the plugs a test chooses.</summary>
internal sealed class OpsHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _serve;

    private OpsHost(int port, Task<int> serve, CancellationTokenSource stop)
    {
        Port = port;
        _serve = serve;
        _stop = stop;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public const string AdminToken = "test-admin-token";

    public int Port { get; }

    public HttpClient Http { get; }

    /// <summary>Starts the host and waits (bounded) until <c>/readyz</c> answers 200.</summary>
    public static async Task<OpsHost> StartAsync(Action<IServiceCollection> plug, IDictionary<string, string?>? settings = null)
    {
        var port = FreeTcpPort();
        var all = new Dictionary<string, string?>
        {
            ["Http:Urls"] = $"http://127.0.0.1:{port}",
            ["Flows:Folder"] = Path.Combine(RepoPaths.Root, "flows"),
            ["Sounds:Folder"] = RepoPaths.Sounds,
            // Each host its own data: a shared folder kept the contact history of earlier runs, so a test's caller came back "returning".
            ["Data:Folder"] = Directory.CreateTempSubdirectory("ivr-ops-test-").FullName,
            ["Calls:DrainTimeout"] = "00:00:05",
            ["Ops:AdminToken"] = AdminToken,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var options = EngineOptions.Load(all);
        var stop = new CancellationTokenSource();
        var host = new OpsHost(port, ServeCommand.RunAsync(options, plug, stop.Token), stop);
        await host.WaitForAsync(async () => (await host.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.OK);
        return host;
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms (each try a real read) until it holds; throws after 60 s.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 1200; i++)
        {
            if (_serve.IsCompleted && _serve.Result != 0) throw new InvalidOperationException($"the engine stopped with {_serve.Result}");
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await ticks.WaitForNextTickAsync();
        }
        throw new TimeoutException("condition not reached in 60 s");
    }

    /// <summary>In-process SIP and media (no sockets but Kestrel's): the plugs of tests that place no real call.</summary>
    public static void InProcessPlugs(IServiceCollection services)
    {
        services.AddSingleton<ISipStackFactory>(new InProcessSipStack());
        services.AddSingleton<IMediaSessionFactory>(new InProcessMediaFactory());
    }

    /// <summary>The in-process plugs with <paramref name="cluster"/> as the node's view of its cluster.</summary>
    public static Action<IServiceCollection> InProcessPlugsIn(Ivr.Engine.Ops.IClusterView cluster) => services =>
    {
        services.AddSingleton(cluster);
        InProcessPlugs(services);
    };

    public async Task<Dictionary<string, double>> ScrapeAsync() =>
        PrometheusText.Parse(await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serve.WaitAsync(TimeSpan.FromSeconds(60));
        Http.Dispose();
        _stop.Dispose();
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

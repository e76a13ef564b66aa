using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Calls;
using Ivr.Engine.Cli;
using Ivr.Engine.Hosting;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Tests.Calls;

/// <summary>The engine host as <c>serve</c> builds it (Akka.Hosting, SIP service, HTTP), with the SIP and media seams in-process.</summary>
public class ServeCommandTests
{
    [Fact]
    public async Task Serve_AnswersACall_ReportsReady_AndDrainsOnStop()
    {
        var stack = new InProcessSipStack();
        var media = new InProcessMediaFactory();
        var port = FreeTcpPort();
        var options = EngineOptions.Load(new Dictionary<string, string?>
        {
            ["Http:Urls"] = $"http://127.0.0.1:{port}",
            ["Flows:Folder"] = Path.Combine(RepoPaths.Root, "flows"),
            ["Sounds:Folder"] = RepoPaths.Sounds,
            ["Data:Folder"] = Path.Combine(Path.GetTempPath(), "ivr-serve-test"),
            ["Calls:DrainTimeout"] = "00:00:00.200",
        });
        using var stop = new CancellationTokenSource();
        var serve = ServeCommand.RunAsync(options, services =>
        {
            services.AddSingleton<ISipStackFactory>(stack);
            services.AddSingleton<IMediaSessionFactory>(media);
        }, stop.Token);

        var handler = await stack.Handler.WaitAsync(TimeSpan.FromSeconds(60));
        var session = new InProcessInviteSession("serve-1@test");
        handler.OnIncomingCall(session);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var health = await http.GetStringAsync(new Uri("/healthz", UriKind.Relative));
        var ready = await WaitForAsync(() => http.GetAsync(new Uri("/readyz", UriKind.Relative)), r => r.StatusCode == HttpStatusCode.OK);
        await WaitForAsync(() => Task.FromResult(media.Sessions), s => s.Count == 1 && s[0].Current == "en-US/welcome.wav");

        await stop.CancelAsync();
        var exit = await serve.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(("ok\n", 0), (health, exit));
        Assert.StartsWith("ready: 1 live calls", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["200", "BYE"], session.Events);
        Assert.True(stack.Disposed);
        Assert.Equal(5060, stack.Options!.Port);
    }

    [Fact]
    public void EngineOptions_Defaults_MatchTheShippedSettings()
    {
        var options = EngineOptions.Load();

        Assert.Equal(("127.0.0.1", 5060), (options.Sip.Address, options.Sip.Port));
        Assert.Equal(["udp", "tcp"], options.Sip.Transports);
        Assert.Equal((10000, 20000), options.Media.GetPortRange());
        Assert.Equal(("flows", "hotline", null), (options.Flows.Folder, options.Flows.Map["hotline"], options.Flows.DefaultFlow));
        Assert.Equal(("sounds", "data", "http://127.0.0.1:8080"), (options.Sounds.Folder, options.Data.Folder, options.Http.Urls));
        Assert.Equal((1000, TimeSpan.FromSeconds(30)), (options.Calls.MaxCalls, options.Calls.DrainTimeout));
    }

    [Fact]
    public void EngineOptions_Overrides_WinOverTheFile()
    {
        var options = EngineOptions.Load(new Dictionary<string, string?> { ["Sip:Port"] = "5080", ["Flows:Map:sales"] = "sales" });

        Assert.Equal(5080, options.Sip.Port);
        Assert.Equal(("hotline", "sales"), (options.Flows.Map["hotline"], options.Flows.Map["SALES"]));
        Assert.Equal(2, options.Sip.Transports.Count);
    }

    [Fact]
    public void EngineOptions_RingFor_DefaultsToAnsweringAtOnce_AndTakesATimeSpan()
    {
        Assert.Equal(TimeSpan.Zero, EngineOptions.Load().Calls.RingFor);
        Assert.Equal(TimeSpan.FromSeconds(2.5), EngineOptions.Load(new Dictionary<string, string?> { ["Calls:RingFor"] = "00:00:02.5" }).Calls.RingFor);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:01:00.001")]
    public void EngineOptions_RingFor_OutOfRange_IsRefusedWithTheKeyAndTheLimit(string value)
    {
        var ex = Assert.Throws<FormatException>(() => EngineOptions.Load(new Dictionary<string, string?> { ["Calls:RingFor"] = value }));

        Assert.Contains("Calls:RingFor must be between 00:00:00 and 00:01:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepoLayout_FindsTheRepositoryFolderFromElsewhere()
    {
        var found = RepoLayout.Locate("flows", Path.GetTempPath(), AppContext.BaseDirectory);

        Assert.Equal(Path.Combine(RepoPaths.Root, "flows"), found);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Polls an observable condition (no fixed sleeps): each try is a real request or a read.
    private static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 1200; i++)
        {
            var value = await probe();
            if (done(value)) return value;
            await ticks.WaitForNextTickAsync();
        }
        throw new TimeoutException("condition not reached in 60 s");
    }
}

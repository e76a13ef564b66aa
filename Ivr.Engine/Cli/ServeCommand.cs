using System.CommandLine;
using System.Globalization;
using Ivr.Engine.Demo;
using Ivr.Engine.Hosting;
using Ivr.Engine.Ops;
using Ivr.Engine.Routing.Storage;
using Ivr.Engine.Sip.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Cli;

/// <summary>
/// <c>ivr serve</c>: runs the engine (actors, SIP, media, HTTP health, metrics, API and dashboard) until SIGINT (Ctrl-C) or
/// SIGTERM, then drains while the HTTP server still answers: new INVITEs get 503, <c>/readyz</c> says <c>draining</c>, live
/// calls finish (bounded by <c>Calls:DrainTimeout</c>), and the process exits 0 (<see cref="DrainOnSignalLifetime"/>).
/// </summary>
/// <remarks>
/// The command owns the signals (System.CommandLine's own Ctrl-C handling is off for it, see <see cref="CliApp"/>). A port
/// that cannot be bound is one line on stderr naming the address, the protocol and the option to change, and exit code 2;
/// so is a shared database (<c>Storage:Provider=postgres</c>) that cannot be reached or set up, naming host:port and why.
/// </remarks>
public static class ServeCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "serve";

    /// <summary>Builds the command; <paramref name="plug"/> registers the SIP stack and media implementations (tests, wiring).</summary>
    public static Command Build(CliConsole console, Action<IServiceCollection>? plug = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        var config = new Option<string?>("--config") { Description = "An extra JSON settings file (same shape as appsettings.json)" };
        var address = new Option<string?>("--address") { Description = "SIP (and RTP) address (Sip:Address)" };
        var port = new Option<int?>("--port") { Description = "SIP port (Sip:Port)" };
        var http = new Option<string?>("--http") { Description = "HTTP URLs, ';'-separated (Http:Urls)" };
        var flows = new Option<string?>("--flows") { Description = "Flow folder (Flows:Folder)" };
        var sounds = new Option<string?>("--sounds") { Description = "Sound folder (Sounds:Folder)" };
        var data = new Option<string?>("--data") { Description = "Data folder: the SQLite store of callbacks and messages, recordings (Data:Folder)" };
        var agents = new Option<string?>("--agents") { Description = "Agents and skills file (Routing:AgentsFile)" };
        var maxCalls = new Option<int?>("--max-calls") { Description = "Live calls beyond which INVITEs get 503 (Calls:MaxCalls)" };
        var drain = new Option<string?>("--drain-timeout") { Description = "How long SIGINT/SIGTERM (Ctrl-C) lets calls finish, e.g. 30s (Calls:DrainTimeout)" };
        var demo = new Option<bool>("--demo") { Description = "Also run simulated callers and agents over loopback (flows/demo.json; Demo section)" };
        var set = new Option<string[]>("--set") { Description = "Any setting as Section:Key=value (repeatable)", Arity = ArgumentArity.ZeroOrMore };

        var cmd = new Command(Name, "Answer calls: SIP, media and flows, with /healthz and /readyz; Ctrl-C or SIGTERM drains, then exits")
        {
            config, address, port, http, flows, sounds, data, agents, maxCalls, drain, demo, set,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            void Put(string key, string? value)
            {
                if (value is not null) overrides[key] = value;
            }

            Put("Sip:Address", parse.GetValue(address));
            Put("Sip:Port", parse.GetValue(port)?.ToString(CultureInfo.InvariantCulture));
            Put("Http:Urls", parse.GetValue(http));
            Put("Flows:Folder", parse.GetValue(flows));
            Put("Sounds:Folder", parse.GetValue(sounds));
            Put("Data:Folder", parse.GetValue(data));
            Put("Routing:AgentsFile", parse.GetValue(agents));
            Put("Calls:MaxCalls", parse.GetValue(maxCalls)?.ToString(CultureInfo.InvariantCulture));
            if (parse.GetValue(demo)) Put("Demo:Enabled", "true");
            if (parse.GetValue(drain) is { } drainText)
            {
                if (!Durations.TryParse(drainText, out var drainTimeout))
                {
                    await console.Error.WriteLineAsync($"--drain-timeout: '{drainText}' is not a duration (e.g. 30s).");
                    return 2;
                }
                Put("Calls:DrainTimeout", drainTimeout.ToString("c", CultureInfo.InvariantCulture));
            }
            foreach (var pair in parse.GetValue(set) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    await console.Error.WriteLineAsync($"--set: '{pair}' is not Section:Key=value.");
                    return 2;
                }
                overrides[pair[..eq]] = pair[(eq + 1)..];
            }

            EngineOptions options;
            try
            {
                options = EngineOptions.Load(overrides, parse.GetValue(config));
                DemoSetup.Apply(options);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or IOException or System.Text.Json.JsonException)
            {
                await console.Error.WriteLineAsync("Configuration: " + ex.Message);
                return 2;
            }

            return await RunAsync(options, plug, cancellationToken, console);
        });
        return cmd;
    }

    /// <summary>Runs the engine host with <paramref name="options"/> until <paramref name="cancellationToken"/> or Ctrl-C; returns the exit code.</summary>
    public static async Task<int> RunAsync(EngineOptions options, Action<IServiceCollection>? plug, CancellationToken cancellationToken, CliConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Logging.AddIvrConsole(options.Logging);
        // Levels come from the engine's own layers (appsettings beside the binary, --config, IVR__ variables, --set), so
        // `--set Logging:LogLevel:Ivr.Engine.Calls=Debug` works like any other setting.
        if (options.Source is { } source) builder.Logging.AddConfiguration(source.GetSection("Logging"));
        builder.WebHost.UseUrls(options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        plug?.Invoke(builder.Services);
        builder.Services.AddIvrEngine(options);
        builder.Services.AddIvrDemo(options);

        // SIGINT and SIGTERM drain with the HTTP server up, then stop the host (instead of the console lifetime's stop at once).
        builder.Services.AddSingleton<DrainOnSignalLifetime>();
        builder.Services.AddSingleton<IHostLifetime>(sp => sp.GetRequiredService<DrainOnSignalLifetime>());

        WebApplication built;
        try
        {
            built = builder.Build();
        }
        catch (Exception ex) when (ClusterHosting.StartFailure(ex, options.Cluster) is { } line)
        {
            // The actor system is made while the host is built: a cluster port that is taken fails here.
            await (console ?? CliConsole.System).Error.WriteLineAsync("ivr serve: " + line);
            return 2;
        }
        await using var app = built;
        return await ServeAsync(app, options, console ?? CliConsole.System, cancellationToken);
    }

    private static async Task<int> ServeAsync(WebApplication app, EngineOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        app.MapIvrEndpoints();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServeCommand));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when ((BindFailure(ex, options) ?? StorageFailure(ex)) is { } line)
        {
            await console.Error.WriteLineAsync("ivr serve: " + line);
            await app.StopAsync(CancellationToken.None);
            return 2;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or FormatException or OperationCanceledException)
        {
            log.LogCritical("Cannot serve: {Error}", ex.Message);
            await app.StopAsync(CancellationToken.None);
            return ex is OperationCanceledException ? 0 : 1;
        }
        catch (Exception ex)
        {
            // The host's own "failed to start" line is filtered out (ConsoleLogging): this is the one report.
            log.LogCritical(ex, "Cannot serve");
            await app.StopAsync(CancellationToken.None);
            return 1;
        }

        log.LogInformation("HTTP listening on {Urls}; Ctrl-C or SIGTERM drains, then exits", options.Http.Urls);
        // A caller's cancellation (tests, an embedding host) drains like a signal.
        var lifetime = app.Services.GetRequiredService<DrainOnSignalLifetime>();
        using var stop = cancellationToken.Register(() => lifetime.RequestStop("Stop requested"));
        // Returns once the host has stopped: after the drain, the web server, the SIP transports, then Akka.
        await app.WaitForShutdownAsync(CancellationToken.None);
        // A node the cluster downed stopped on its own: not a clean exit, so a supervisor restarts it as a new member.
        return app.Services.GetServices<IHostedService>().OfType<ClusterJoinWatch>().Any(w => w.Downed) ? ClusterJoinWatch.DownedExitCode : 0;
    }

    /// <summary>The one line for durable stores that cannot be opened (a shared database unreachable or misconfigured); null for other failures.</summary>
    private static string? StorageFailure(Exception ex) => ex switch
    {
        StorageUnavailableException storage => storage.Message + "; check Storage:ConnectionString (or Storage:Provider)",
        AggregateException { InnerExceptions: [StorageUnavailableException storage] } => StorageFailure(storage),
        _ => null,
    };

    /// <summary>The one line for a port that cannot be bound (SIP UDP/TCP or HTTP), naming the option to change; null for other failures.</summary>
    private static string? BindFailure(Exception ex, EngineOptions options) => ex switch
    {
        SipBindException { Protocol: SipProtocol.Tls } tls => $"{tls.Message}; choose another port with --set Sip:TlsPort=PORT or address with --address (Sip:Address)",
        SipBindException sip => $"{sip.Message}; choose another port with --port (Sip:Port) or address with --address (Sip:Address)",
        Hosting.ClusterStartException cluster => cluster.Message,
        IOException { InnerException: AddressInUseException } => $"HTTP (TCP) {options.Http.Urls}: address already in use; choose another with --http URL (Http:Urls)",
        IOException { InnerException: System.Net.Sockets.SocketException socket } when ex.Message.StartsWith("Failed to bind", StringComparison.Ordinal)
            => $"HTTP (TCP) {options.Http.Urls}: {socket.Message}; choose another with --http URL (Http:Urls)",
        _ => null,
    };
}

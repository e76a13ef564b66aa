using System.CommandLine;
using System.Globalization;
using Ivr.Engine.Demo;
using Ivr.Engine.Hosting;
using Ivr.Engine.Ops;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Cli;

/// <summary>
/// <c>ivr serve</c>: runs the engine (actors, SIP, media, HTTP health, metrics, API and dashboard) until Ctrl-C, then drains:
/// new INVITEs get 503, live calls finish (bounded by <c>Calls:DrainTimeout</c>), and the process exits.
/// </summary>
/// <remarks>
/// System.CommandLine stops waiting for an action two seconds after Ctrl-C and lets <c>Main</c> return; a process-exit
/// handler then holds the process (bounded by the host's shutdown timeout) until the drain and shutdown are done.
/// </remarks>
public static class ServeCommand
{
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
        var data = new Option<string?>("--data") { Description = "Data folder for recordings (Data:Folder)" };
        var maxCalls = new Option<int?>("--max-calls") { Description = "Live calls beyond which INVITEs get 503 (Calls:MaxCalls)" };
        var drain = new Option<string?>("--drain-timeout") { Description = "How long Ctrl-C lets calls finish, e.g. 30s (Calls:DrainTimeout)" };
        var demo = new Option<bool>("--demo") { Description = "Also run simulated callers and agents over loopback (flows/demo.json; Demo section)" };
        var set = new Option<string[]>("--set") { Description = "Any setting as Section:Key=value (repeatable)", Arity = ArgumentArity.ZeroOrMore };

        var cmd = new Command("serve", "Answer calls: SIP, media and flows, with /healthz and /readyz; Ctrl-C drains")
        {
            config, address, port, http, flows, sounds, data, maxCalls, drain, demo, set,
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

            return await RunAsync(options, plug, cancellationToken);
        });
        return cmd;
    }

    /// <summary>Runs the engine host with <paramref name="options"/> until <paramref name="cancellationToken"/> or Ctrl-C; returns the exit code.</summary>
    public static async Task<int> RunAsync(EngineOptions options, Action<IServiceCollection>? plug, CancellationToken cancellationToken)
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

        await using var app = builder.Build();
        using var stopped = new ManualResetEventSlim();
        var shutdownTimeout = options.Calls.DrainTimeout + TimeSpan.FromSeconds(30);
        void HoldExit(object? sender, EventArgs e)
        {
            // Runs when Main returns early (Ctrl-C): waiting here lets live calls finish instead of dying with the process.
            if (stopped.Wait(shutdownTimeout)) Environment.ExitCode = 0;
        }

        AppDomain.CurrentDomain.ProcessExit += HoldExit;
        try
        {
            return await ServeAsync(app, options, cancellationToken);
        }
        finally
        {
            stopped.Set();
            AppDomain.CurrentDomain.ProcessExit -= HoldExit;
        }
    }

    private static async Task<int> ServeAsync(WebApplication app, EngineOptions options, CancellationToken cancellationToken)
    {
        app.MapIvrEndpoints();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServeCommand));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or FormatException or OperationCanceledException)
        {
            log.LogCritical("Cannot serve: {Error}", ex.Message);
            await app.StopAsync(CancellationToken.None);
            return ex is OperationCanceledException ? 0 : 1;
        }

        log.LogInformation("HTTP listening on {Urls}; Ctrl-C drains and stops", options.Http.Urls);
        // Returns once the host has stopped: the SIP service drains first, then Akka shuts down.
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}

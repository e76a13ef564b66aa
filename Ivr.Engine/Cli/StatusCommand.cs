using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Ivr.Engine.Ops;

namespace Ivr.Engine.Cli;

/// <summary>
/// <c>ivr status</c>: the engine's figures from its HTTP API (<c>/api/status</c>) as a terminal table refreshed every
/// second until Ctrl-C, or once (<c>--once</c>), as a table (<c>--format text</c>, the default) or as the API's JSON (<c>--format json</c>).
/// </summary>
public static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Builds the command.</summary>
    public static Command Build(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var url = new Option<string>("--url") { Description = "The engine's HTTP address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var once = new Option<bool>("--once") { Description = "Print once and exit (default: refresh every second until Ctrl-C)" };
        var format = OutputFormat.Create();
        var token = new Option<string?>("--token") { Description = "Admin token, when the engine is not on loopback (or IVR_ADMIN_TOKEN)" };
        var cmd = new Command("status", "Show the engine's calls, SIP, media, actors, flows and skills from its HTTP API") { url, once, format, token };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                await console.Error.WriteLineAsync($"--url: '{parse.GetValue(url)}' is not an http(s) URL.");
                return 2;
            }
            using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(5) };
            if ((parse.GetValue(token) ?? Environment.GetEnvironmentVariable("IVR_ADMIN_TOKEN")) is { Length: > 0 } bearer)
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            var json = parse.GetValue(format) == OutputFormat.Json;
            if (parse.GetValue(once)) return await ShowAsync(http, console, json, clear: false, cancellationToken) ? 0 : 1;

            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                do
                {
                    await ShowAsync(http, console, json, clear: !json, cancellationToken);
                }
                while (await timer.WaitForNextTickAsync(cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            return 0;
        });
        return cmd;
    }

    private static async Task<bool> ShowAsync(HttpClient http, CliConsole console, bool json, bool clear, CancellationToken cancellationToken)
    {
        StatusReport? report;
        try
        {
            using var response = await http.GetAsync(new Uri("/api/status", UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await console.Error.WriteLineAsync($"{http.BaseAddress} answered {(int)response.StatusCode}: {body.Trim()}");
                return false;
            }
            report = JsonSerializer.Deserialize<StatusReport>(body, Json);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"Cannot read the status of {http.BaseAddress}: {ex.Message}");
            return false;
        }
        if (report is null)
        {
            await console.Error.WriteLineAsync($"{http.BaseAddress} answered an empty status.");
            return false;
        }
        if (clear) await console.Out.WriteAsync("\u001b[H\u001b[2J");
        await console.Out.WriteLineAsync(json ? JsonSerializer.Serialize(report, Indented) : StatusTable.Render(report, http.BaseAddress!));
        return true;
    }
}

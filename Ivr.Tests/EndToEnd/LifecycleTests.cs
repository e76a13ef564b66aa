using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ivr.Engine.Ops;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Ops;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// A newcomer's first hour, as real processes: the README's run command on a fresh clone, a call, <c>ivr status</c>, and
/// stopping with SIGINT then SIGTERM sent to the PID the run command started; a drain with a call up; a busy port.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public class LifecycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Readme_RunShOnAFreshClone_TakesACall_ShowsStatus_AndDrainsToExit0_OnSigintThenSigterm()
    {
        // The commands the README gives a newcomer, run as given.
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains("./run.sh", readme, StringComparison.Ordinal);
        Assert.Contains("ln -sf \"$PWD/scripts/ivr\" /usr/local/bin/ivr", readme, StringComparison.Ordinal);
        Assert.Contains("ivr dial sip:hotline@127.0.0.1:5060", readme, StringComparison.Ordinal);
        Assert.Contains("ivr status", readme, StringComparison.Ordinal);
        var clone = await FreshCloneAsync();
        var ivr = Path.Combine(clone, "scripts", "ivr");

        foreach (var signal in new[] { "INT", "TERM" })
        {
            await using var engine = await EngineProcess.StartCommandAsync(Path.Combine(clone, "run.sh"), clone, []);
            var url = "http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture);
            var dial = await RunAsync(ivr, clone, "dial", $"sip:hotline@{engine.Target}", "--digits", "1", "--hangup-after", "2s");
            var status = await RunAsync(ivr, clone, "status", "--once", "--format", "json", "--url", url);
            var table = await RunAsync(ivr, clone, "status", "--once", "--url", url);
            var exit = await engine.SignalAsync(signal, Bound);

            Assert.True(dial.Exit == 0, $"ivr dial exited {dial.Exit}:\n{dial.Output}\nengine:\n{engine.Log}");
            Assert.True(status.Exit == 0 && table.Exit == 0, $"ivr status exited {status.Exit}/{table.Exit}:\n{status.Output}\n{table.Output}");
            var report = JsonSerializer.Deserialize<StatusReport>(status.Output, Json)!;
            Assert.Equal((true, false, 1L, 1L), (report.Node.Ready, report.Node.Draining, report.Calls.Started, report.Calls.Answered));
            Assert.Contains(engine.Target, table.Output, StringComparison.Ordinal);
            Assert.True(exit == 0, $"SIG{signal} → exit {exit}; log:\n{engine.Log}");
            Assert.Contains($"SIG{signal}: draining", engine.Log, StringComparison.Ordinal);
            Assert.Contains("Drain complete: 0 calls left", engine.Log, StringComparison.Ordinal);
            Assert.DoesNotContain("ivr: building", engine.Log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sigterm_WithACallUp_ReadyzSaysDraining_HttpStaysUp_NewCallsGet503_AndExits0WhenTheCallEnds()
    {
        var data = Directory.CreateTempSubdirectory("ivr-drain-").FullName;
        // Its own agents file (serve --agents): the shipped agents, the first one with a SIP account.
        var agentsFile = Path.Combine(data, "agents.json");
        var agents = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "agents.json")))!;
        var agentCount = agents["agents"]!.AsArray().Count;
        agents["agents"]![0]!["sip"] = new JsonObject { ["user"] = "first-hour", ["password"] = "first-hour-secret" };
        await File.WriteAllTextAsync(agentsFile, agents.ToJsonString());
        await using var engine = await EngineProcess.StartAsync("--data", data, "--agents", agentsFile, "--drain-timeout", "120s",
            "--flows", "Ivr.Tests/TestData/flows/ops", "--set", "Flows:Map:hotline=queue-wait");
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture)), Timeout = TimeSpan.FromSeconds(30) };
        // One caller on hold for 30 s (long enough for the checks below on a loaded machine), then it hangs up itself.
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, engine.Target, "-sn", "uac", "-s", "hotline", "-m", "1", "-d", "30000", "-rtp_echo");
        var before = await PollAsync(() => GetAsync(http, "/readyz"), r => r.Body.StartsWith("ready: 1 live calls", StringComparison.Ordinal));

        using (var term = Process.Start("kill", ["-TERM", engine.Id.ToString(CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        await engine.WaitForLogAsync("SIGTERM: draining", Bound);
        var readyz = await PollAsync(() => GetAsync(http, "/readyz"), r => r.Status != HttpStatusCode.OK);
        var metrics = await GetAsync(http, "/metrics");
        var dashboard = await GetAsync(http, "/");
        var apiStatus = JsonSerializer.Deserialize<StatusReport>((await GetAsync(http, "/api/status")).Body, Json)!;
        var refused = await RunAsync(Path.Combine(AppContext.BaseDirectory, "ivr"), RepoPaths.Root, "dial", $"sip:hotline@{engine.Target}", "--hangup-after", "1s");
        var upWhileTheCallLasts = !engine.HasExited && !sipp.HasExited;
        var sippExit = await sipp.WaitAsync(Bound);
        var exit = await engine.SignalAsync("0", Bound); // signal 0: only waits for the exit (the drain ends it)

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "draining\n"), (readyz.Status, readyz.Body));
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        Assert.Equal(1.0, PrometheusText.Parse(metrics.Body)["ivr_calls_active"]);
        Assert.Contains($"service_name=\"ivr\",service_version=\"{OpsServiceCollectionExtensions.Version}\",service_instance_id=\"{Environment.MachineName}/{engine.Target}\"",
            metrics.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        Assert.Contains("<html", dashboard.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((true, false, 1L), (apiStatus.Node.Draining, apiStatus.Node.Ready, apiStatus.Calls.Active));
        Assert.True(refused.Exit == 1 && refused.Output.Contains("503", StringComparison.Ordinal), $"a new call during the drain:\n{refused.Output}");
        Assert.True(upWhileTheCallLasts, "the engine or the call ended before the drain's checks were done:\n" + engine.Log);
        Assert.True(sippExit == 0, "the call in progress did not complete normally:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        Assert.True(exit == 0, $"exit {exit}; log:\n{engine.Log}");
        Assert.Contains("Drained (0 calls left, timed out: False)", engine.Log, StringComparison.Ordinal);
        Assert.Contains($"Agents loaded: {agentCount} agents", engine.Log, StringComparison.Ordinal);
        Assert.Contains($"Registrar: 1 of {agentCount} agents can register in realm ivr (from {agentsFile}); {agentCount - 1} have no \"sip\" user and password there",
            engine.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("http")]
    public async Task BusyPort_IsOneLineOnStderr_NamingTheAddressProtocolAndOption_AndExitCode2(string busy)
    {
        var sipPort = SippProcess.FreeUdpPort();
        var httpPort = SippProcess.FreeUdpPort();
        using var holder = busy == "udp"
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, busy == "http" ? httpPort : sipPort));
        if (busy != "udp") holder.Listen();
        var data = Directory.CreateTempSubdirectory("ivr-busy-").FullName;

        var run = await RunAsync(Path.Combine(AppContext.BaseDirectory, "ivr"), RepoPaths.Root,
            "serve", "--port", sipPort.ToString(CultureInfo.InvariantCulture), "--http", $"http://127.0.0.1:{httpPort}", "--data", data);

        var errorLines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(errorLines);
        var expected = busy switch
        {
            "udp" => $"ivr serve: SIP UDP 127.0.0.1:{sipPort}: address already in use; choose another port with --port",
            "tcp" => $"ivr serve: SIP TCP 127.0.0.1:{sipPort}: address already in use; choose another port with --port",
            _ => $"ivr serve: HTTP (TCP) http://127.0.0.1:{httpPort}: address already in use; choose another with --http",
        };
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.Equal(2, run.Exit);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A fresh clone of this repository, with this build's output where a previous Release build would leave it.</summary>
    private static async Task<string> FreshCloneAsync()
    {
        var clone = Path.Combine(Directory.CreateTempSubdirectory("ivr-fresh-clone-").FullName, "ivr");
        var git = await RunAsync("git", RepoPaths.Root, "clone", "-q", "--no-hardlinks", RepoPaths.Root, clone);
        Assert.True(git.Exit == 0, "git clone failed:\n" + git.Output);
        // The README's command builds Release once and reuses it while no source is newer (scripts/ivr): the test reuses
        // the build it runs from instead of building again; the process started is still run.sh's.
        var output = Path.Combine(clone, "Ivr.Engine", "bin", "Release", "net10.0");
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(output, Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.SetLastWriteTimeUtc(Path.Combine(output, "ivr.dll"), DateTime.UtcNow); // File.Copy keeps the apphost executable
        return clone;
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow + Bound;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until) return value;
            await tick.WaitForNextTickAsync();
        }
    }

    private sealed record Run(int Exit, string Out, string Error)
    {
        public string Output => Out + Error;
    }

    private static async Task<Run> RunAsync(string command, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', args)} did not exit within {Bound}:\n{await stdout}{await stderr}");
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}

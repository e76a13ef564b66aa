using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The dashboard in a real headless browser (Debian's chromium driven by playwright-core, Ivr.Tests/Browser) against the
/// real <c>ivr serve</c> while sipp places calls that wait in a queue and hang up: no console errors, no request off the
/// engine, the node's name and its members panel, tiles that follow the calls, a call's timeline, and a drain button
/// that does nothing without the admin token.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Token = "browser-test-token";
    private const int Calls = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Dashboard_HasNoConsoleErrors_FollowsSippCalls_AndDrainNeedsTheToken()
    {
        var browserDir = BrowserTools.EnsureInstalled();
        var flows = FlowsWithQueueWait();
        try
        {
            await RunAsync(browserDir, flows);
        }
        finally
        {
            Directory.Delete(flows, recursive: true);
        }
    }

    private async Task RunAsync(string browserDir, string flows)
    {
        await using var engine = await EngineProcess.StartAsync(
            "--flows", flows, "--set", "Flows:Map:hotline=queue-wait", "--set", "Ops:AdminToken=" + Token, "--set", "Cluster:Node=browser-node");
        var url = "http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        using var browser = BrowserTools.Start(browserDir, "dashboard-check.mjs", url, Token, screenshot, Calls.ToString(CultureInfo.InvariantCulture));

        var loaded = await browser.NextEventAsync(Bound);
        Assert.True(loaded.GetProperty("event").GetString() == "loaded", "the page did not load: " + loaded + "\n" + browser.Errors);
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sn", "uac", "-s", "hotline", "-m", Calls.ToString(CultureInfo.InvariantCulture), "-r", "10", "-d", "8000", "-rtp_echo");
        var result = await browser.NextEventAsync(Bound);
        output.WriteLine(result.ToString());
        var sippExit = await sipp.WaitAsync(Bound);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.True(result.GetProperty("event").GetString() == "done", "the browser check failed: " + result + "\n" + browser.Errors);
        Assert.Equal(0, sippExit);
        var problems = result.GetProperty("problems").EnumerateArray().ToList();
        Assert.True(problems.All(p => p.GetProperty("phase").GetString() == "drain"), "console errors while loading or during calls: " + string.Join("\n", problems));
        // The one console error a refused drain makes is Chrome's own line for the 401 answer.
        Assert.All(problems, p => Assert.Contains("status of 401", p.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Empty(result.GetProperty("external").EnumerateArray());
        Assert.Equal(["account-lookup", "collect-account", "demo", "hotline", "queue-wait", "survey-demo"], result.GetProperty("flows").EnumerateArray().Select(f => f.GetString()!).Order(StringComparer.Ordinal));

        var cluster = result.GetProperty("cluster");
        Assert.Equal("browser-node", cluster.GetProperty("node").GetString());
        Assert.Equal("· not clustered: browser-node runs alone", cluster.GetProperty("summary").GetString());
        var self = Assert.Single(cluster.GetProperty("members").EnumerateArray().ToList());
        Assert.Equal(["browser-node", "up", "leader", "this node", "–", "–"], self.EnumerateArray().Select(c => c.GetString()));

        var initial = Tiles(result, "initial");
        var busy = Tiles(result, "busy");
        var after = Tiles(result, "after");
        Assert.Equal(("0", "0", "0"), (initial["calls-active"], initial["calls-started"], initial["calls-queued"]));
        Assert.Equal(("3", "3", "3", "0"), (busy["calls-active"], busy["calls-started"], busy["calls-queued"], busy["calls-abandoned"]));
        Assert.Equal(("0", "3", "0", "3"), (after["calls-active"], after["calls-ended"], after["calls-queued"], after["calls-abandoned"]));
        Assert.True(result.GetProperty("seen").GetArrayLength() >= 3, "the tiles moved through at least three distinct states");
        Assert.Contains("queued 3", result.GetProperty("byState").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(result.GetProperty("timeline").EnumerateArray(), e => e.GetString()!.Contains("enqueue for support", StringComparison.Ordinal));

        Assert.StartsWith("Refused (401)", result.GetProperty("wrong").GetString(), StringComparison.Ordinal);
        Assert.Equal("ready", result.GetProperty("badgeAfterWrong").GetString());
        Assert.StartsWith("Draining", result.GetProperty("right").GetString(), StringComparison.Ordinal);
        Assert.Equal("draining", result.GetProperty("badgeAfterRight").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(new FileInfo(screenshot).Length > 20_000, "the screenshot is a real page");
    }

    [Fact]
    public async Task Dashboard_At1024And1440_ShowsLoadingFirst_FitsItsPanels_AndDrawsEveryDemoFlowWithoutOverlaps()
    {
        var browserDir = BrowserTools.EnsureInstalled();
        var data = Directory.CreateTempSubdirectory("ivr-dashboard-layout-");
        try
        {
            await using var engine = await EngineProcess.StartAsync(
                "--demo", "--data", data.FullName,
                "--set", "Demo:CallersPerMinute=60", "--set", "Demo:MeanTalk=00:00:30", "--set", "Demo:MeanPatience=00:01:00", "--set", "Demo:Seed=5");
            await engine.WaitForLogAsync("Demo: simulated callers dial sip:demo@", TimeSpan.FromSeconds(30));
            var url = "http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture) + "/";
            var shots = Path.Combine(AppContext.BaseDirectory, "dashboard-layout");
            using var browser = BrowserTools.Start(browserDir, "layout-check.mjs", url, shots, "1024", "1440");
            foreach (var width in new[] { 1024, 1440 })
            {
                var result = await browser.NextEventAsync(Bound);
                output.WriteLine(result.ToString());
                Assert.True(result.GetProperty("event").GetString() == "width", "the layout check failed: " + result + "\n" + browser.Errors);
                Assert.Equal(width, result.GetProperty("width").GetInt32());
                AssertLayout(result);
                Assert.True(new FileInfo($"{shots}-{width}.png").Length > 20_000, "the screenshot is a real page");
            }
            Assert.Equal("done", (await browser.NextEventAsync(Bound)).GetProperty("event").GetString());
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static void AssertLayout(JsonElement result)
    {
        var width = result.GetProperty("width").GetInt32();
        var first = result.GetProperty("firstPaint");
        Assert.True(first.GetProperty("bodyLoading").GetBoolean(), "the first paint is not marked as loading");
        Assert.StartsWith("Loading", first.GetProperty("skills").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Loading", first.GetProperty("flows").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Loading", first.GetProperty("liveCalls").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("No router", first.GetProperty("page").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("No skills", first.GetProperty("page").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, first.GetProperty("timelineItems").GetInt32());
        Assert.StartsWith("Pick a call", first.GetProperty("timelineHint").GetString(), StringComparison.Ordinal);

        var live = result.GetProperty("live");
        Assert.Equal((0, true), (live.GetProperty("timelineItems").GetInt32(), live.GetProperty("hintShown").GetBoolean()));
        var picked = result.GetProperty("picked");
        Assert.True(picked.GetProperty("timelineItems").GetInt32() > 0, "a picked call shows its timeline");
        Assert.False(picked.GetProperty("hintShown").GetBoolean(), "the hint goes once a timeline shows");

        foreach (var name in new[] { "layoutLive", "layoutPicked" })
        {
            var layout = result.GetProperty(name);
            Assert.True(layout.GetProperty("figures").GetInt32() > 20, $"{width} px {name}: the figures were measured");
            Assert.True(layout.GetProperty("overflow").GetArrayLength() == 0, $"{width} px {name}: elements overflow their panel: {layout.GetProperty("overflow")}");
            Assert.True(layout.GetProperty("wrapped").GetArrayLength() == 0, $"{width} px {name}: figures wrap: {layout.GetProperty("wrapped")}");
        }

        var graphs = result.GetProperty("graphs").EnumerateArray().ToList();
        Assert.Equal(["account-lookup", "collect-account", "demo", "hotline", "survey-demo"], graphs.Select(g => g.GetProperty("flow").GetString()!).Order(StringComparer.Ordinal));
        foreach (var graph in graphs)
        {
            var flow = graph.GetProperty("flow").GetString();
            Assert.True(graph.GetProperty("drawn").GetBoolean(), $"{width} px: {flow} is not drawn");
            Assert.True(graph.GetProperty("steps").GetInt32() > 3, $"{width} px: {flow} has its steps");
            Assert.True(graph.GetProperty("graphInPanel").GetBoolean(), $"{width} px: {flow} sticks out of its panel");
            Assert.True(graph.GetProperty("startAtTop").GetBoolean(), $"{width} px: {flow}'s start is not at the top");
            Assert.True(graph.GetProperty("problems").GetArrayLength() == 0, $"{width} px: {flow}: {graph.GetProperty("problems")}");
            Assert.True(graph.GetProperty("overlaps").GetArrayLength() == 0, $"{width} px: {flow} overlaps: {graph.GetProperty("overlaps")}");
            // Scaled to its panel, never below 60 % (the 40-step hotline at 1024 px: 12 px names drawn at 7.7 px).
            Assert.True(graph.GetProperty("scale").GetDouble() >= 0.6, $"{width} px: {flow} is shrunk to {graph.GetProperty("scale")}");
        }
        Assert.Contains(graphs, g => g.GetProperty("labels").GetInt32() > 5);

        // Agents busy with a call count under that call's skill only: the per-skill "talking" figures add up to at most
        // the calls connected (one agent answering between the two reads may show on one side first).
        var samples = result.GetProperty("skills").EnumerateArray().Select(s => (Talking: s.GetProperty("talking").GetInt32(), Connected: s.GetProperty("connected").GetInt32())).ToList();
        Assert.Contains(samples, s => s.Talking > 0);
        Assert.All(samples, s => Assert.True(s.Talking <= s.Connected + 1, $"{width} px: talking {s.Talking} > connected {s.Connected}: {string.Join(", ", samples)}"));
        Assert.True(samples.Count(s => s.Talking > s.Connected) <= samples.Count / 4, $"{width} px: talking above connected too often: {string.Join(", ", samples)}");
        Assert.Empty(result.GetProperty("problems").EnumerateArray());
    }

    private static Dictionary<string, string> Tiles(JsonElement result, string name) =>
        result.GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    /// <summary>The repository's flows plus the queue-wait test flow, in a fresh folder.</summary>
    private static string FlowsWithQueueWait()
    {
        var folder = Directory.CreateTempSubdirectory("ivr-dashboard-flows-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "flows"), "*.json"))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        File.Copy(Path.Combine(RepoPaths.Root, "Ivr.Tests", "TestData", "flows", "ops", "queue-wait.json"), Path.Combine(folder, "queue-wait.json"));
        return folder;
    }
}

/// <summary>The headless-browser tooling of Ivr.Tests/Browser: Debian's chromium and playwright-core from npm.</summary>
internal sealed class BrowserTools : IDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _errors = new();

    private BrowserTools(Process process) => _process = process;

    public string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    /// <summary>
    /// The Browser folder with playwright-core installed (runs <c>npm ci</c> once when it is missing, as ./test.sh does);
    /// throws with what to install when chromium or node is missing.
    /// </summary>
    public static string EnsureInstalled()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"no chromium at {chromium}: apt-get install -y chromium (./test.sh does), or set CHROMIUM");
        var dir = Path.Combine(RepoPaths.Root, "Ivr.Tests", "Browser");
        if (Directory.Exists(Path.Combine(dir, "node_modules", "playwright-core"))) return dir;
        var psi = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm (nodejs) is needed: apt-get install -y nodejs npm");
        var err = npm.StandardError.ReadToEndAsync();
        npm.StandardOutput.ReadToEnd();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(5)) || npm.ExitCode != 0) throw new InvalidOperationException("npm ci failed in " + dir + ":\n" + err.Result);
        return dir;
    }

    /// <summary>Starts <c>node script args</c> in <paramref name="dir"/>; its JSON lines are read with <see cref="NextEventAsync"/>.</summary>
    public static BrowserTools Start(string dir, string script, params string[] args)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var tools = new BrowserTools(new Process { StartInfo = psi });
        tools._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) tools._lines.Writer.TryComplete();
            else tools._lines.Writer.TryWrite(e.Data);
        };
        tools._process.ErrorDataReceived += (_, e) =>
        {
            lock (tools._errors) tools._errors.AppendLine(e.Data);
        };
        tools._process.Start();
        tools._process.BeginOutputReadLine();
        tools._process.BeginErrorReadLine();
        return tools;
    }

    /// <summary>The next JSON line the script prints; throws after <paramref name="timeout"/> or when it exits first.</summary>
    public async Task<JsonElement> NextEventAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                if (_lines.Reader.TryRead(out var line) && line.StartsWith('{')) return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the browser script printed nothing within {timeout}:\n{Errors}");
        }
        throw new InvalidOperationException("the browser script exited:\n" + Errors);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.Cluster;

/// <summary>
/// <c>scripts/cluster.sh</c> as an operator runs it: <c>up --nodes 2</c> (throw-away PostgreSQL, Kamailio with the repository's
/// configuration, two nodes on 127.0.0.2 and .3), <c>status</c> in its script-readable form, a call through Kamailio, a
/// drained node reported as such, then <c>down</c> leaving no process and no state behind.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterScriptTests(ITestOutputHelper output)
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "scripts", "cluster.sh");

    [GeneratedRegex(@"^node (n\d+) pid (\d+) sip (127\.0\.0\.\d+:\d+) http (http://127\.0\.0\.1:\d+) state (up|draining|down)$")]
    private static partial Regex StatusLine();

    [Fact]
    public async Task UpStatusCallDown_TwoNodesBehindKamailio_CallAnsweredAndEverythingStoppedAfter()
    {
        var state = Path.Combine(Directory.CreateTempSubdirectory("ivr-cluster-script-").FullName, "state");
        var basePort = FreeBasePort();
        var args = new[] { "--state", state };
        try
        {
            var up = await RunAsync(["up", "--nodes", "2", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), .. args], TimeSpan.FromMinutes(4));
            output.WriteLine(up.Output);
            Assert.True(up.ExitCode == 0, up.Output);
            Assert.Contains($"sip:hotline@127.0.0.1:{basePort}", up.Output, StringComparison.Ordinal);
            Assert.Contains("dashboard:", up.Output, StringComparison.Ordinal);

            var status = await RunAsync(["status", .. args], TimeSpan.FromSeconds(30));
            Assert.Equal(0, status.ExitCode);
            var nodes = status.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => StatusLine().Match(l.Trim())).ToList();
            Assert.Equal(2, nodes.Count);
            Assert.All(nodes, m => Assert.True(m.Success, status.Output));
            Assert.Equal(["n1", "n2"], nodes.Select(m => m.Groups[1].Value));
            Assert.Equal([$"127.0.0.2:{basePort + 10}", $"127.0.0.3:{basePort + 10}"], nodes.Select(m => m.Groups[3].Value));
            Assert.All(nodes, m => Assert.Equal("up", m.Groups[5].Value));
            var pids = nodes.Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();

            // Four calls through Kamailio (caller hangs up after 1 s), answered by the nodes behind it.
            using (var caller = SippProcess.StartOn("127.0.0.1", SippProcess.FreeUdpPort(), TimeSpan.FromSeconds(60),
                       [$"127.0.0.1:{basePort}", "-sf", SippProcess.Scenario("kam_uac_caller_bye.xml"), "-s", "hotline", "-m", "4", "-r", "4", "-d", "1000"]))
            {
                Assert.True(await caller.WaitAsync(TimeSpan.FromSeconds(90)) == 0, caller.Output);
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var started = 0L;
            foreach (var m in nodes)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(m.Groups[4].Value + "/api/status"));
                started += doc.RootElement.GetProperty("calls").GetProperty("started").GetInt64();
            }
            Assert.Equal(4, started);

            // The admin token reaches the nodes through their environment: no process's command line (what ps shows
            // every user) holds it, nor the PostgreSQL connection string; the token file is readable by its owner only.
            var tokenFile = Path.Combine(state, "admin-token");
            var token = (await File.ReadAllTextAsync(tokenFile)).Trim();
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            foreach (var cmdline in CommandLines())
            {
                Assert.DoesNotContain(token, cmdline, StringComparison.Ordinal);
                // Only this cluster's processes (other engines may run on this machine with their own settings).
                if (cmdline.Contains(state, StringComparison.Ordinal)) Assert.DoesNotContain("ConnectionString", cmdline, StringComparison.Ordinal);
            }

            // A drained node (the admin token is the cluster's own) reads "draining".
            using (var drain = new HttpRequestMessage(HttpMethod.Post, nodes[1].Groups[4].Value + "/api/drain"))
            {
                drain.Headers.Authorization = new("Bearer", token);
                using var response = await http.SendAsync(drain);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
            // With no call arriving, only Kamailio's OPTIONS probes (answered 503 now) can take the node out of the set.
            var probedOut = Stopwatch.StartNew();
            while (!(await RunKamcmdAsync(state)).Contains($"sip:127.0.0.3:{basePort + 10}\nFLAGS: IP", StringComparison.Ordinal))
            {
                Assert.True(probedOut.Elapsed < TimeSpan.FromSeconds(10), "the drained node is still active in Kamailio's set after 10 s");
                await Task.Delay(100);
            }
            output.WriteLine($"drained node out of the set by the probes after {probedOut.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(probedOut.Elapsed < TimeSpan.FromSeconds(5), $"the probes took {probedOut.Elapsed} to take the drained node out");
            var afterDrain = await RunAsync(["status", .. args], TimeSpan.FromSeconds(30));
            Assert.Contains($"node n2 pid {pids[1]} sip 127.0.0.3:{basePort + 10} http {nodes[1].Groups[4].Value} state draining", afterDrain.Output, StringComparison.Ordinal);

            var down = await RunAsync(["down", .. args], TimeSpan.FromMinutes(2));
            Assert.True(down.ExitCode == 0, down.Output);
            Assert.False(Directory.Exists(state));
            Assert.All(pids, pid => Assert.False(IsAlive(pid), $"node pid {pid} still runs after down"));
            var gone = await RunAsync(["status", .. args], TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, gone.ExitCode);
            Assert.Contains("no cluster", gone.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(state)) await RunAsync(["down", .. args], TimeSpan.FromMinutes(2));
            Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        }
    }

    /// <summary>The command lines of every process now running (what <c>ps</c> shows), NUL separators made spaces.</summary>
    private static List<string> CommandLines()
    {
        var lines = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _)) continue;
            try
            {
                lines.Add(File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while the list was read.
            }
        }
        return lines;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // A base port whose Kamailio (UDP), HTTP and PostgreSQL (TCP) ports are free now, below the ephemeral range.
    private static int FreeBasePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var b = Random.Shared.Next(200, 300) * 100;
            if (UdpFree(b) && TcpFree(b + 21) && TcpFree(b + 22) && TcpFree(b + 40)) return b;
        }
        throw new InvalidOperationException("no free base port in 20000-29999");
    }

    private static bool UdpFree(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool TcpFree(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // kamcmd's dispatcher.list with each "URI: …" and its "FLAGS: …" on consecutive lines, indentation removed.
    private static async Task<string> RunKamcmdAsync(string state)
    {
        var psi = new ProcessStartInfo("kamcmd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-s", "unix:" + Path.Combine(state, "kamailio", "ctl"), "dispatcher.list" }) psi.ArgumentList.Add(a);
        using var kamcmd = Process.Start(psi)!;
        var text = await kamcmd.StandardOutput.ReadToEndAsync();
        await kamcmd.WaitForExitAsync();
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("URI:", StringComparison.Ordinal) || l.StartsWith("FLAGS:", StringComparison.Ordinal));
        return string.Join("\n", lines.Select(l => l.Replace("URI: ", "", StringComparison.Ordinal)));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

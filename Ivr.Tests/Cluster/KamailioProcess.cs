using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.Cluster;

/// <summary>
/// Kamailio as the cluster's SIP entry point, started with the repository's <c>deploy/kamailio/kamailio.cfg</c> on a free
/// port of 127.0.0.1, its own run folder (dispatcher list, pid file, control socket) and its own process group, which
/// dispose stops whole (the children keep the port if only the main process dies).
/// </summary>
internal sealed class KamailioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private KamailioProcess(Process process, string runDir, int port)
    {
        _process = process;
        RunDir = runDir;
        Port = port;
    }

    /// <summary>The run folder (removed on dispose).</summary>
    public string RunDir { get; }

    /// <summary>Kamailio's SIP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Where callers send: <c>127.0.0.1:PORT</c>.</summary>
    public string Target => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    private string ControlSocket => "unix:" + Path.Combine(RunDir, "kamailio_ctl");

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>The repository's Kamailio configuration.</summary>
    public static string ConfigFile => Path.Combine(RepoPaths.Root, "deploy", "kamailio", "kamailio.cfg");

    /// <summary>
    /// Starts Kamailio dispatching to <paramref name="nodes"/> (<c>ADDR:PORT</c>, set 1) and waits, bounded, until its control
    /// socket answers.
    /// </summary>
    public static async Task<KamailioProcess> StartAsync(IEnumerable<string> nodes)
    {
        var runDir = Directory.CreateTempSubdirectory("ivr-kamailio-").FullName;
        var lines = nodes.Select((n, i) => $"1 sip:{n} 0 0 duid=n{(i + 1).ToString(CultureInfo.InvariantCulture)}");
        await File.WriteAllLinesAsync(Path.Combine(runDir, "dispatcher.list"), lines);
        var port = SippProcess.FreeUdpPort();
        // setsid: Kamailio and its children in a process group of their own, stopped together.
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = runDir,
        };
        foreach (var a in new[]
        {
            "kamailio", "-f", ConfigFile, "-DD", "-E", "-Y", runDir, "-P", Path.Combine(runDir, "kamailio.pid"), "-m", "64", "-M", "8",
            "-A", "LISTEN=udp:127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "-A", $"DSLIST=\"{Path.Combine(runDir, "dispatcher.list")}\"",
            "-A", $"CTLSOCK=\"unix:{Path.Combine(runDir, "kamailio_ctl")}\"",
        })
        {
            psi.ArgumentList.Add(a);
        }
        var kamailio = new KamailioProcess(new Process { StartInfo = psi }, runDir, port);
        kamailio._process.OutputDataReceived += (_, e) => kamailio.Append(e.Data);
        kamailio._process.ErrorDataReceived += (_, e) => kamailio.Append(e.Data);
        kamailio._process.Start();
        try
        {
            kamailio._process.BeginOutputReadLine();
            kamailio._process.BeginErrorReadLine();
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (kamailio._process.HasExited) throw new InvalidOperationException("kamailio exited at start:\n" + kamailio.Log);
                if (File.Exists(Path.Combine(runDir, "kamailio_ctl")) && (await kamailio.DispatcherStatesAsync()).Count > 0) return kamailio;
                if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("kamailio did not start within 30 s:\n" + kamailio.Log);
                await Task.Delay(100);
            }
        }
        catch
        {
            await kamailio.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    /// <summary>The dispatcher's nodes and their flags (<c>AP</c> active, <c>IP</c> inactive probing, <c>DX</c> disabled), by URI.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DispatcherStatesAsync()
    {
        var output = await RunKamcmdAsync("dispatcher.list");
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        string? uri = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("URI:", StringComparison.Ordinal)) uri = line[4..].Trim();
            else if (line.StartsWith("FLAGS:", StringComparison.Ordinal) && uri is not null) states[uri] = line[6..].Trim();
        }
        return states;
    }

    /// <summary>Waits, bounded, until every node in <paramref name="expected"/> has its flags (e.g. <c>AP</c>); returns how long it took.</summary>
    public async Task<TimeSpan> WaitForStatesAsync(IReadOnlyDictionary<string, string> expected, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string> states = new Dictionary<string, string>();
        while (watch.Elapsed < timeout)
        {
            states = await DispatcherStatesAsync();
            if (expected.All(e => states.TryGetValue(e.Key, out var s) && s == e.Value)) return watch.Elapsed;
            await Task.Delay(100);
        }
        throw new TimeoutException($"dispatcher states not reached within {timeout}: want {string.Join(", ", expected)}; have {string.Join(", ", states)}");
    }

    private async Task<string> RunKamcmdAsync(string command)
    {
        var psi = new ProcessStartInfo("kamcmd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-s", ControlSocket, command }) psi.ArgumentList.Add(a);
        using var kamcmd = Process.Start(psi)!;
        var output = kamcmd.StandardOutput.ReadToEndAsync();
        var errors = kamcmd.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await kamcmd.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            kamcmd.Kill();
            return "";
        }
        await errors;
        return kamcmd.ExitCode == 0 ? await output : "";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // setsid made Kamailio a group leader (its PID is the group's): the whole group gets the signal.
                var group = "-" + _process.Id.ToString(CultureInfo.InvariantCulture);
                using (var kill = Process.Start("kill", ["-TERM", "--", group])) await kill.WaitForExitAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    using var hard = Process.Start("kill", ["-KILL", "--", group]);
                    await hard.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(RunDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

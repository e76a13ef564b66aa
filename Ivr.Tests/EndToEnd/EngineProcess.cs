using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The engine as an operator runs it: the built <c>ivr</c> binary started with <c>serve</c> from the repository folder,
/// on free loopback ports; stopped with SIGINT (drain) or killed on dispose. Its log lines are collected.
/// </summary>
internal sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Needle, TaskCompletionSource<string> Seen)> _waiters = [];
    private string? _ownDataFolder;

    private EngineProcess(Process process, string sipAddress, int sipPort, int httpPort)
    {
        _process = process;
        SipAddress = sipAddress;
        SipPort = sipPort;
        HttpPort = httpPort;
    }

    /// <summary>The address SIP (and RTP) listen on: 127.0.0.1 unless the test chose another loopback address.</summary>
    public string SipAddress { get; }

    public int SipPort { get; }

    public int HttpPort { get; }

    public string Target => SipAddress + ":" + SipPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The HTTP base URL (health, ops API, metrics), always on 127.0.0.1.</summary>
    public string HttpBase => "http://127.0.0.1:" + HttpPort.ToString(CultureInfo.InvariantCulture);

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>
    /// Starts <c>ivr serve</c> with extra arguments and waits (bounded) until SIP and HTTP listen. Without a data folder in
    /// <paramref name="args"/> (<c>--data</c> or <c>Data:Folder</c>) the engine gets a temp one of its own, removed on
    /// dispose: engines of tests running side by side never share a SQLite store, an event outbox or recordings.
    /// </summary>
    public static Task<EngineProcess> StartAsync(params string[] args) => StartServeAsync(args, null);

    /// <summary>
    /// Starts <c>ivr serve</c> with SIP and RTP on <paramref name="sipAddress"/> (another loopback address, e.g. 127.0.0.2, is
    /// another node), a free SIP port on that address and <paramref name="args"/> (e.g. per-node <c>--set</c> settings).
    /// </summary>
    public static Task<EngineProcess> StartOnAsync(string sipAddress, IEnumerable<string> args) => StartServeAsync([.. args], sipAddress);

    private static async Task<EngineProcess> StartServeAsync(string[] args, string? sipAddress)
    {
        var namesData = args.Any(a => a == "--data" || a.StartsWith("Data:Folder=", StringComparison.Ordinal));
        var ownData = namesData ? null : Directory.CreateTempSubdirectory("ivr-engine-data-").FullName;
        string[] data = ownData is null ? [] : ["--data", ownData];
        try
        {
            var engine = await StartCommandAsync(Path.Combine(AppContext.BaseDirectory, "ivr"), RepoPaths.Root, ["serve", .. data, .. args], sipAddress);
            engine._ownDataFolder = ownData;
            return engine;
        }
        catch when (ownData is not null)
        {
            DeleteFolder(ownData);
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="command"/> (the <c>ivr</c> binary, or a script that runs <c>serve</c>, e.g. <c>run.sh</c>) in
    /// <paramref name="workingDirectory"/> with <paramref name="args"/> then <c>--port</c> and <c>--http</c> on free loopback
    /// ports (and <c>--address</c> when <paramref name="sipAddress"/> is given), and waits (bounded) until SIP and HTTP
    /// listen. A start that fails or times out kills what it started before throwing.
    /// </summary>
    public static async Task<EngineProcess> StartCommandAsync(string command, string workingDirectory, IEnumerable<string> args, string? sipAddress = null)
    {
        var sipPort = FreePortAboveEphemeralRange(sipAddress ?? "127.0.0.1");
        var httpPort = FreePortAboveEphemeralRange("127.0.0.1");
        var psi = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (sipAddress is not null)
        {
            psi.ArgumentList.Add("--address");
            psi.ArgumentList.Add(sipAddress);
        }
        foreach (var a in new[] { "--port", sipPort.ToString(CultureInfo.InvariantCulture), "--http", $"http://127.0.0.1:{httpPort}" })
            psi.ArgumentList.Add(a);
        var engine = new EngineProcess(new Process { StartInfo = psi }, sipAddress ?? "127.0.0.1", sipPort, httpPort);
        engine._process.OutputDataReceived += (_, e) => engine.Append(e.Data);
        engine._process.ErrorDataReceived += (_, e) => engine.Append(e.Data);
        engine._process.Start();
        try
        {
            engine._process.BeginOutputReadLine();
            engine._process.BeginErrorReadLine();
            // Bounded, with room for a start beside the other end-to-end collections on a loaded 2-core machine (seen: over 60 s).
            var ready = engine.WaitForLogAsync("HTTP listening", TimeSpan.FromSeconds(120));
            var exited = engine._process.WaitForExitAsync();
            if (await Task.WhenAny(ready, exited) == exited)
                throw new InvalidOperationException("the engine exited at start:\n" + engine.Log);
            await ready;
            return engine;
        }
        catch
        {
            // A start that timed out (or whose wait failed) must not leave an engine holding ports for the rest of the run.
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A port free for both UDP and TCP on <paramref name="address"/> (SIP listens on both; HTTP on TCP), picked above the
    /// kernel's ephemeral range: no socket bound to port 0 and no outbound connection of a test running beside this one can
    /// take it between this pick and the engine's bind, which on a loaded machine comes many seconds later.
    /// </summary>
    private static int FreePortAboveEphemeralRange(string address)
    {
        var ip = System.Net.IPAddress.Parse(address);
        var first = EphemeralRangeEnd() + 1;
        for (var attempt = 0; first < 65000 && attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(first, 65536);
            if (Free(ip, port, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp)
                && Free(ip, port, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
                return port;
        }

        // No room above the ephemeral range on this machine: a port the kernel gives (as before).
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        s.Bind(new System.Net.IPEndPoint(ip, 0));
        return ((System.Net.IPEndPoint)s.LocalEndPoint!).Port;
    }

    private static int EphemeralRangeEnd()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var parts = File.Exists(range) ? File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [];
        return parts.Length == 2 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var end) ? end : 65535;
    }

    private static bool Free(System.Net.IPAddress ip, int port, System.Net.Sockets.SocketType type, System.Net.Sockets.ProtocolType protocol)
    {
        try
        {
            using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, type, protocol);
            s.Bind(new System.Net.IPEndPoint(ip, port));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Completes with the first log line containing <paramref name="needle"/> (past or future); throws after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLogAsync(string needle, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_log)
        {
            var existing = _log.ToString().Split('\n').FirstOrDefault(l => l.Contains(needle, StringComparison.Ordinal));
            if (existing is not null) return existing;
            _waiters.Add((needle, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no log line with '{needle}' within {timeout}; log:\n{Log}");
        }
    }

    /// <summary>Raised for every log line as it arrives (on the reader thread), for tests that time what the engine says.</summary>
    public event Action<string>? LineReceived;

    private void Append(string? line)
    {
        if (line is null) return;
        LineReceived?.Invoke(line);
        lock (_log)
        {
            _log.AppendLine(line);
            foreach (var w in _waiters.Where(w => line.Contains(w.Needle, StringComparison.Ordinal)).ToList())
            {
                w.Seen.TrySetResult(line);
                _waiters.Remove(w);
            }
        }
    }

    /// <summary>The PID of the process started (for a script that execs the engine, the engine's).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Asks the engine to stop as Ctrl-C does (SIGINT → drain) and waits, bounded, for its exit code.</summary>
    public Task<int> InterruptAsync(TimeSpan timeout) => SignalAsync("INT", timeout);

    /// <summary>Sends <paramref name="signal"/> (<c>INT</c>, <c>TERM</c>) to the PID started and waits, bounded, for its exit code.</summary>
    public async Task<int> SignalAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the engine at once (SIGKILL, no drain): a node that dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        if (_ownDataFolder is not null) DeleteFolder(_ownDataFolder);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
